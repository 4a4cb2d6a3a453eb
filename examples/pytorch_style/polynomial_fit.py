"""Fit sin(x) on [-π, π] with a cubic a + bx + cx² + dx³ by gradient descent, written as the
PyTorch tutorial writes it (tensors that require grad, ``loss.backward()``, updates under
``no_grad``); only the import line names autograd_lite.

    python examples/pytorch_style/polynomial_fit.py
"""
import math

import numpy as np

import autograd_lite as torch


def fit(steps=2000, lr=1e-6, seed=0, verbose=True):
    dtype = torch.float
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    y = torch.sin(x)
    # the same starting point for any framework: four normal draws from numpy
    start = np.random.default_rng(seed).standard_normal(4)
    a, b, c, d = (torch.tensor(float(v), device=device, dtype=dtype, requires_grad=True)
                  for v in start)
    for t in range(steps):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        if verbose and t % 500 == 499:
            print(t, f"{loss.item():.4f}")
        loss.backward()
        with torch.no_grad():
            for p in (a, b, c, d):
                p -= lr * p.grad
                p.grad = None
    if verbose:
        print(f"Result: y = {a.item():.4f} + {b.item():.4f} x + {c.item():.4f} x^2 + "
              f"{d.item():.4f} x^3")
    return loss.item(), [p.item() for p in (a, b, c, d)]


if __name__ == "__main__":
    fit()
