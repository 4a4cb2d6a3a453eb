"""The largest eigenvalues of a small network's loss Hessian, by power iteration on
Hessian-vector products, checked against the full Hessian.

A 2-8-1 tanh network on 200 noisy moons (noise 0.2), float64, all 33 parameters flattened
into one vector θ, binary cross-entropy loss J(θ). It is first trained with Adam (lr 0.05,
500 full-batch steps) so the Hessian is taken near a minimum. Then:

- power iteration: ``v := Hv/‖Hv‖`` with ``Hv`` from ``al.autograd.functional.hvp`` (two
  backward passes, H never formed); the Rayleigh quotient ``λ = vᵀHv`` converges to the
  eigenvalue of largest magnitude, with error shrinking like (λ₂/λ₁)^{2k}. It stops when the
  residual ``‖Hv − λv‖ ≤ tol·|λ|``. The next eigenvalues come from deflation: power iteration
  on ``H − Σ λᵢvᵢvᵢᵀ``, still through hvp;
- the check: ``numpy.linalg.eigvalsh`` of the full 33×33 Hessian from
  ``al.autograd.functional.hessian``.

    python examples/hessian_eigen.py [--top 3] [--out runs/hessian_eigen.png]
"""
import argparse
import os
import time

import numpy as np

import autograd_lite as al
import autograd_lite.nn.functional as F
from autograd_lite.autograd.functional import hessian, hvp
from autograd_lite.train.report import save_figure, table

SHAPES = (("W1", (8, 2)), ("b1", (8,)), ("W2", (1, 8)), ("b2", (1,)))


def unflatten(theta, shapes=SHAPES):
    parts, start = [], 0
    for _, shape in shapes:
        size = int(np.prod(shape))
        parts.append(theta[start:start + size].reshape(shape))
        start += size
    return parts


def n_params(shapes=SHAPES):
    return sum(int(np.prod(s)) for _, s in shapes)


def loss_function(X, y):
    """J(θ): the mean binary cross-entropy of the 2-8-1 tanh network with parameters θ."""
    x = al.tensor(X.astype(np.float64), dtype=al.float64)
    target = al.tensor(y.astype(np.float64), dtype=al.float64)

    def J(theta):
        W1, b1, W2, b2 = unflatten(theta)
        logits = F.linear(F.linear(x, W1, b1).tanh(), W2, b2).reshape(-1)
        return F.binary_cross_entropy_with_logits(logits, target)
    return J


def train(J, seed=0, steps=500, lr=0.05):
    """θ after ``steps`` full-batch Adam steps from a scaled normal initialisation."""
    rng = np.random.default_rng(seed)
    theta0 = np.concatenate([rng.normal(scale=1 / np.sqrt(s[-1]), size=s).ravel()
                             for _, s in SHAPES])
    theta = al.tensor(theta0, dtype=al.float64, requires_grad=True)
    opt = al.optim.Adam([theta], lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        loss = J(theta)
        loss.backward()
        opt.step()
    return theta.detach().numpy().astype(np.float64), float(J(theta).item())


def power_iteration(J, theta, top=3, tol=1e-9, max_iter=5000, seed=0):
    """The ``top`` eigenpairs of largest magnitude of J's Hessian at θ: power iteration on
    v := (H − Σ λᵢvᵢvᵢᵀ)v/‖·‖ with Hv from hvp, the Rayleigh quotient λ = vᵀHv as estimate."""
    rng = np.random.default_rng(seed)
    point = al.tensor(theta, dtype=al.float64)
    found, traces = [], []
    hvps = 0
    for _ in range(top):
        v = rng.normal(size=theta.shape)
        v /= np.linalg.norm(v)
        trace, converged = [], False
        for it in range(1, max_iter + 1):
            _, Hv = hvp(J, point, al.tensor(v, dtype=al.float64))
            Hv = Hv.numpy().astype(np.float64)
            hvps += 1
            for lam_i, v_i in found:          # deflation
                Hv -= lam_i * (v_i @ v) * v_i
            lam = float(v @ Hv)
            trace.append(lam)
            if np.linalg.norm(Hv - lam * v) <= tol * abs(lam):
                converged = True
                break
            v = Hv / np.linalg.norm(Hv)
        found.append((lam, v))
        traces.append({"eigenvalue": lam, "iterations": it, "converged": converged,
                       "trace": trace})
    return traces, hvps


def run(n_samples=200, top=3, seed=0, train_steps=500, tol=1e-9):
    X, y = al.datasets.make_moons(n_samples, noise=0.2, seed=seed)
    J = loss_function(X, y)
    theta, loss = train(J, seed, train_steps)
    start = time.perf_counter()
    traces, hvps = power_iteration(J, theta, top, tol, seed=seed)
    power_seconds = time.perf_counter() - start
    start = time.perf_counter()
    H = hessian(J, al.tensor(theta, dtype=al.float64)).numpy()
    eig = np.linalg.eigvalsh(H)
    full_seconds = time.perf_counter() - start
    by_magnitude = eig[np.argsort(-np.abs(eig))]
    rows = []
    for k, t in enumerate(traces):
        exact = by_magnitude[k]
        rows.append({"k": k + 1, "power iteration": t["eigenvalue"], "eigvalsh": exact,
                     "relative error": abs(t["eigenvalue"] - exact) / abs(exact),
                     "iterations": t["iterations"], "converged": t["converged"]})
    info = {"loss": loss, "H": H, "eigenvalues": eig, "traces": traces, "hvps": hvps,
            "power seconds": power_seconds, "full seconds": full_seconds,
            "symmetry": np.abs(H - H.T).max() / np.abs(H).max()}
    return rows, info


COLUMNS = ["k", "power iteration", "eigvalsh", "relative error", "iterations", "converged"]
FORMATS = {"power iteration": ".10f", "eigvalsh": ".10f", "relative error": ".1e"}


def plot(rows, info, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    eig = info["eigenvalues"][::-1]
    axes[0].plot(range(1, len(eig) + 1), eig, "o", ms=4, label="eigvalsh (full Hessian)")
    axes[0].plot([r["k"] for r in rows], [r["power iteration"] for r in rows], "x", ms=10,
                 color="C3", label="power iteration on hvp")
    axes[0].set_yscale("symlog", linthresh=1e-4)
    axes[0].set_xlabel("index (descending)")
    axes[0].set_title(f"Hessian spectrum ({len(eig)} parameters)")
    axes[0].legend()
    for row, t in zip(rows, info["traces"]):
        err = np.abs(np.array(t["trace"]) - row["eigvalsh"]) / abs(row["eigvalsh"])
        axes[1].semilogy(range(1, len(err) + 1), np.maximum(err, 1e-17), lw=1,
                         label=f"λ{row['k']} = {row['eigvalsh']:.4g}")
    axes[1].set_xlabel("power iteration")
    axes[1].set_ylabel("relative error of vᵀHv")
    axes[1].set_title("convergence")
    axes[1].legend()
    fig.suptitle(f"2-8-1 tanh on moons, loss {info['loss']:.3f}: top Hessian eigenvalues")
    fig.tight_layout()
    save_figure(fig, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=200)
    parser.add_argument("--top", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join("runs", "hessian_eigen.png"))
    args = parser.parse_args(argv)
    rows, info = run(args.n_samples, args.top, args.seed)
    print(f"2-8-1 tanh on {args.n_samples} moons, {n_params()} parameters, trained loss "
          f"{info['loss']:.4f}")
    print(f"power iteration: {info['hvps']} Hessian-vector products, "
          f"{info['power seconds']:.2f} s; full Hessian + eigvalsh: "
          f"{info['full seconds']:.2f} s (asymmetry {info['symmetry']:.1e})")
    print(table(rows, COLUMNS, FORMATS))
    plot(rows, info, args.out)
    print(f"wrote {args.out}")
    return rows


if __name__ == "__main__":
    main()
