"""The comparison behind the PyTorch cross-checks of tests/nn (imported by them; torch is
imported by the caller first, which skips without it)."""
import numpy as np

import autograd_lite as al


def compare(ours_fn, theirs_fn, arrays, rng, rtol=1e-10, atol=1e-12):
    """Call both on the same float64 arrays (int/bool arrays pass through without grad);
    compare the output and, after backward of the same random seed (drawn from ``rng``),
    every float input's gradient."""
    import torch
    ours, theirs = [], []
    for a in arrays:
        if isinstance(a, np.ndarray) and a.dtype.kind == "f":
            ours.append(al.tensor(a, dtype=np.float64, requires_grad=True))
            theirs.append(torch.tensor(a, dtype=torch.float64, requires_grad=True))
        elif isinstance(a, np.ndarray):
            ours.append(al.tensor(a))
            theirs.append(torch.tensor(a))
        else:
            ours.append(a)
            theirs.append(a)
    out, ref = ours_fn(*ours), theirs_fn(*theirs)
    np.testing.assert_allclose(out._data, ref.detach().numpy(), rtol=rtol, atol=atol)
    seed = rng.standard_normal(tuple(ref.shape))
    out.backward(seed)
    ref.backward(torch.tensor(seed))
    for k, (a, t) in enumerate(zip(ours, theirs)):
        if isinstance(t, torch.Tensor) and t.requires_grad:
            np.testing.assert_allclose(a.grad._data, t.grad.numpy(), rtol=rtol, atol=atol,
                                       err_msg=f"gradient of input {k}")
