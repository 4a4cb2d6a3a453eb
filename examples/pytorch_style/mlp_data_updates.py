"""A two-layer network trained with the classic ``p.data.add_(-lr * p.grad)`` update, as older
PyTorch tutorials write it: ``nn.Sequential``, ``MSELoss``, ``zero_grad``, ``.data`` and
``.to(device)``; only the import line names autograd_lite.

    python examples/pytorch_style/mlp_data_updates.py
"""
import numpy as np

import autograd_lite as torch
import autograd_lite.nn as nn


def train(steps=300, lr=1e-4, seed=0, verbose=True):
    device = torch.device("cpu")
    rng = np.random.default_rng(seed)
    n, d_in, hidden, d_out = 64, 100, 50, 10
    x = torch.tensor(rng.standard_normal((n, d_in)), dtype=torch.float32).to(device)
    y = torch.tensor(rng.standard_normal((n, d_out)), dtype=torch.float32).to(device)
    model = nn.Sequential(nn.Linear(d_in, hidden), nn.ReLU(), nn.Linear(hidden, d_out)).to(device)
    with torch.no_grad():  # the same weights for any framework
        for p in model.parameters():
            p.data = torch.tensor(rng.uniform(-0.1, 0.1, tuple(p.shape)), dtype=torch.float32)
    loss_fn = nn.MSELoss(reduction="sum")
    for t in range(steps):
        loss = loss_fn(model(x), y)
        if verbose and t % 100 == 99:
            print(t, f"{loss.item():.4f}")
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data.add_(-lr * p.grad)
    return loss.item()


if __name__ == "__main__":
    train()
