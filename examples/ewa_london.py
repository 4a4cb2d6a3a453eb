"""The course's London-temperature figure: exponentially weighted averages of a daily series.

A synthetic year of daily temperatures (°F: a seasonal cycle peaking in July, plus day-to-day
noise, fixed seed) is averaged with ``al.optim.ExponentialMovingAverage``:

- left panel, as in the course: β = 0.9 (≈ the last 10 days, red) and β = 0.98 (≈ the last
  50 days, green, smoother but shifted right);
- right panel, bias correction: β = 0.98 with ``v_t/(1 − β^t)`` (green) and without it
  (purple, which starts near 0 because v_0 = 0 and only catches up after some 50 days).

    python examples/ewa_london.py [--out runs/ewa_london.png] [--seed 0]
"""
import argparse
import os

import numpy as np

from autograd_lite.optim import ExponentialMovingAverage
from autograd_lite.train.report import save_figure


def london_temperatures(days=365, seed=0):
    """A year of synthetic daily temperatures in °F: 52 ± 14 seasonally, noise σ = 6."""
    rng = np.random.default_rng(seed)
    t = np.arange(days)
    seasonal = 52.0 - 14.0 * np.cos(2.0 * np.pi * (t - 15) / 365.0)   # coldest mid-January
    weather = np.convolve(rng.normal(0.0, 6.0, days + 4), np.ones(5) / np.sqrt(5), "valid")
    return seasonal + weather[:days]


def averages(theta, beta, bias_correction):
    ema = ExponentialMovingAverage(beta, bias_correction=bias_correction)
    return np.array([ema.update(x) for x in theta])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join("runs", "ewa_london.png"),
                        help="where to write the PNG (default: runs/ewa_london.png)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    theta = london_temperatures(seed=args.seed)
    days = np.arange(1, len(theta) + 1)
    v90 = averages(theta, 0.9, True)
    v98 = averages(theta, 0.98, True)
    v98_raw = averages(theta, 0.98, False)

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.8), sharey=True)
    for ax in (left, right):
        ax.scatter(days, theta, s=6, color="tab:blue", alpha=0.55, label=r"daily $\theta_t$")
        ax.set_xlabel("day of the year")
        ax.grid(alpha=0.3)
    left.plot(days, v90, color="red", lw=2, label=r"$\beta=0.9$ (≈10 days)")
    left.plot(days, v98, color="green", lw=2, label=r"$\beta=0.98$ (≈50 days)")
    left.set_title(r"$v_t = \beta v_{t-1} + (1-\beta)\theta_t$")
    left.set_ylabel("temperature (°F)")
    right.plot(days, v98, color="green", lw=2, label=r"$\beta=0.98$, $v_t/(1-\beta^t)$")
    right.plot(days, v98_raw, color="purple", lw=2, label=r"$\beta=0.98$, no bias correction")
    right.set_title("bias correction")
    for ax in (left, right):
        ax.legend(loc="lower center")
    fig.suptitle("Exponentially weighted averages of a (synthetic) London year")
    fig.tight_layout()

    save_figure(fig, args.out)
    print(f"wrote {args.out}")
    print(f"day 1: θ = {theta[0]:.1f}°F, β=0.98 corrected {v98[0]:.1f}, "
          f"uncorrected {v98_raw[0]:.1f}; day 100: {v98[99]:.1f} vs {v98_raw[99]:.1f}")
    return args.out


if __name__ == "__main__":
    main()
