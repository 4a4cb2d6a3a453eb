"""``Dropout``: inverted dropout, the course's regularisation layer."""
from . import functional as F
from .module import Module


class Dropout(Module):
    """In training, zero each element with probability p and scale the survivors by 1/(1 − p)
    (so the expected activation is unchanged and nothing needs rescaling at test time); a fresh
    mask on every call, reproducible under ``al.manual_seed``. In eval mode: the identity.

    The course's rules: use it in training only (``model.eval()`` turns it off), and place it
    between hidden layers: not on the input layer, not on the output layer."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: probability must be between 0 and 1, got {p!r}")
        self.p = float(p)
        self.inplace = inplace

    def forward(self, x):
        return F.dropout(x, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"
