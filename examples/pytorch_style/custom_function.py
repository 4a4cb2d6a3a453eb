"""A custom autograd Function (the Legendre polynomial P₃ of the PyTorch tutorial) trained with
``optim.SGD`` on mini-batches from ``utils.data.DataLoader``; only the import line names
autograd_lite.

    python examples/pytorch_style/custom_function.py
"""
import math

import numpy as np

import autograd_lite as torch
from autograd_lite.utils.data import DataLoader, TensorDataset


class LegendrePolynomial3(torch.autograd.Function):
    """P₃(x) = ½(5x³ − 3x), with P₃'(x) = 1.5(5x² − 1)."""

    @staticmethod
    def forward(ctx, input):  # noqa: A002 - the tutorial's name
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors  # noqa: A001
        return grad_output * 1.5 * (5 * input ** 2 - 1)


def train(epochs=40, lr=5e-6, seed=0, verbose=True):
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    start = np.random.default_rng(seed).normal(0.0, 0.1, 4)
    start[2] = -start[2] ** 2 - 1.0  # the tutorial's starting c: away from 0
    params = [torch.tensor(float(v), requires_grad=True) for v in start]
    a, b, c, d = params
    optimizer = torch.optim.SGD(params, lr=lr, momentum=0.9)
    loader = DataLoader(TensorDataset(x, y), batch_size=500, shuffle=False, num_workers=0)
    for epoch in range(epochs):
        for xb, yb in loader:
            y_pred = a + b * LegendrePolynomial3.apply(c + d * xb)
            loss = (y_pred - yb).pow(2).sum()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if verbose and epoch % 10 == 9:
            print(epoch, f"{loss.item():.4f}")
    return loss.item()


if __name__ == "__main__":
    train()
