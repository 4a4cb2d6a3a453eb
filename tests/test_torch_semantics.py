"""Side-by-side with PyTorch (skipped, with the reason, when torch is not installed): the same
expressions on the same float64 values give the same forward values and the same gradients,
including the conventions at kinks and ties that numpy references cannot settle."""
import numpy as np
import pytest

import autograd_lite as al

torch = pytest.importorskip("torch", reason="torch is not installed: PyTorch semantics cross-check skipped")

X = np.array([[0.0, -1.5, 2.0, 2.0], [0.5, -0.5, 0.0, 3.0], [1.0, 1.0, -2.0, 0.25]])
Y = np.array([[1.0, 2.0, 2.0, -1.0], [0.5, 0.5, 0.0, 3.0], [2.0, 1.0, -2.0, 0.5]])
IDX = np.array([0, 2, 0, 0])

CASES = {
    "var default (unbiased)": lambda m, x, y: x.var(),
    "std over dim 1": lambda m, x, y: x.std(1),
    "var correction=0 keepdim": lambda m, x, y: x.var(0, keepdim=True, correction=0),
    "max with ties": lambda m, x, y: x.max(),
    "max(dim) values": lambda m, x, y: x.max(1)[0],
    "min(dim=0) values": lambda m, x, y: x.min(0)[0],
    "abs at 0": lambda m, x, y: x.abs(),
    "relu at 0": lambda m, x, y: x.relu(),
    "clamp at the bounds": lambda m, x, y: x.clamp(-0.5, 2.0),
    "maximum with ties": lambda m, x, y: m.maximum(x, y),
    "minimum with ties": lambda m, x, y: m.minimum(x, y),
    "where": lambda m, x, y: m.where(x > y, x, y * 2),
    "softmax dim 0": lambda m, x, y: x.softmax(0) * y,
    "log_softmax dim 1": lambda m, x, y: x.log_softmax(1) * y,
    "logsumexp": lambda m, x, y: m.logsumexp(x, 1),
    "sigmoid tanh": lambda m, x, y: x.sigmoid() * y.tanh(),
    "pow int exponent of negatives": lambda m, x, y: x ** 3,
    "pow tensor exponent": lambda m, x, y: (x * x + 1) ** y,
    "div": lambda m, x, y: x / (y * y + 1),
    "sqrt exp log": lambda m, x, y: (x * x + 1).sqrt() + (x.exp() + 1).log(),
    "repeated index": lambda m, x, y: x[m.tensor(IDX) if m is al else torch.tensor(IDX)] * 2,
    "mask": lambda m, x, y: x[x > 0.4],
    "slice with step": lambda m, x, y: x[:, ::2] * y[:, 1::2],
    "expand and sum": lambda m, x, y: x[:, :1].expand(3, 4) * y,
    "transpose matmul": lambda m, x, y: x.T @ y,
    "vector matmul": lambda m, x, y: x[0] @ y.T,
    "cat stack": lambda m, x, y: m.cat([x, y], 1).sum(0) + m.stack([x, y], 0).mean(0).sum(1).sum(),
    "split chunk": lambda m, x, y: x.split(3, 1)[1].sum() + y.chunk(3, 1)[1].sum() + len(y.chunk(3, 1)),
    "squeeze unsqueeze flatten": lambda m, x, y: x.unsqueeze(0).squeeze(0).flatten() * y.reshape(-1),
    "mean of dims": lambda m, x, y: x.mean((0, 1)) + y.sum(-1, keepdim=True),
}


@pytest.mark.parametrize("name", list(CASES))
def test_same_values_and_gradients_as_torch(name):
    fn = CASES[name]
    ax = al.tensor(X, dtype=al.float64, requires_grad=True)
    ay = al.tensor(Y, dtype=al.float64, requires_grad=True)
    tx = torch.tensor(X, dtype=torch.float64, requires_grad=True)
    ty = torch.tensor(Y, dtype=torch.float64, requires_grad=True)
    a_out, t_out = fn(al, ax, ay), fn(torch, tx, ty)
    np.testing.assert_allclose(a_out._data, t_out.detach().numpy(), rtol=1e-12, atol=1e-12)
    weights = np.linspace(-1.0, 2.0, t_out.numel()).reshape(tuple(t_out.shape))
    (a_out * al.tensor(weights, dtype=al.float64)).sum().backward()
    (t_out * torch.tensor(weights)).sum().backward()
    for a_leaf, t_leaf in ((ax, tx), (ay, ty)):
        t_grad = t_leaf.grad.numpy() if t_leaf.grad is not None else np.zeros_like(X)
        a_grad = a_leaf.grad._data if a_leaf.grad is not None else np.zeros_like(X)
        np.testing.assert_allclose(a_grad, t_grad, rtol=1e-12, atol=1e-12, err_msg=name)
