"""The course's initialisation experiment: zeros vs random × 10 vs He on the circles data.

A 2-10-5-1 network (ReLU, ReLU, sigmoid output) is trained by full-batch gradient descent
(lr 0.01, 15,000 iterations) on 300 noisy circle points and tested on 100 more, three times:

- zeros: every weight 0. All units of a layer compute the same thing and get the same
  gradient, so symmetry is never broken (the gradients of the hidden weights are exactly 0):
  the cost stays at ln 2 = 0.693 and the accuracy at chance, 50%.
- random × 10: ``randn · 10``: far too large. The cost starts huge; training is slow.
- He: ``randn · √(2/n[l−1])``: trains well.

    python examples/init_circles.py [--iterations 15000] [--out runs/init_circles.png]
"""
import argparse
import os
import time

import autograd_lite as al
from autograd_lite.train import build_mlp, evaluate, loss_fn, predict
from autograd_lite.train.report import plot_boundary, save_figure, table

SCHEMES = (("zeros", "zeros"), ("random x10", "random"), ("He", "he"))


def circles(seed=1):
    """The course's train (300) and test (100) sets: circles with noise 0.05."""
    X_train, y_train = al.datasets.make_circles(300, noise=0.05, seed=seed)
    X_test, y_test = al.datasets.make_circles(100, noise=0.05, seed=seed + 1)
    return X_train, y_train, X_test, y_test


def train_one(init, X, y, iterations, lr=0.01, seed=0, record_every=100):
    """Full-batch gradient descent on a 2-10-5-1 network; returns (model, costs)."""
    al.manual_seed(seed)
    model = build_mlp(2, (10, 5), 2, activation="relu", init=init)
    optimizer = al.optim.SGD(model.parameters(), lr=lr)
    xt, yt = al.tensor(X), al.tensor(y)
    costs = []
    for i in range(iterations):
        cost = loss_fn(model(xt), yt)
        optimizer.zero_grad()
        cost.backward()
        optimizer.step()
        if i % record_every == 0 or i == iterations - 1:
            costs.append((i, float(cost.item())))
    return model, costs


def run(iterations=15000, seed=0, data_seed=1, lr=0.01):
    """One row per scheme: first and last cost, train and test accuracy, seconds."""
    X, y, Xt, yt = circles(data_seed)
    rows, models = [], {}
    for label, init in SCHEMES:
        start = time.perf_counter()
        model, costs = train_one(init, X, y, iterations, lr=lr, seed=seed)
        rows.append({"init": label, "first cost": costs[0][1], "final cost": costs[-1][1],
                     "train acc": evaluate(model, X, y)[1],
                     "test acc": evaluate(model, Xt, yt)[1],
                     "seconds": time.perf_counter() - start, "costs": costs})
        models[label] = model
    return rows, models, (X, y, Xt, yt)


COLUMNS = ["init", "first cost", "final cost", "train acc", "test acc", "seconds"]
FORMATS = {"first cost": ".4g", "final cost": ".4f", "train acc": ".1%", "test acc": ".1%",
           "seconds": ".1f"}


def plot(rows, models, data, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    X, y = data[0], data[1]
    fig, axes = plt.subplots(1, 4, figsize=(16, 3.8))
    for row in rows:
        it, cost = zip(*row["costs"])
        axes[0].plot(it, cost, label=row["init"])
    axes[0].set_yscale("log")
    axes[0].set_xlabel("iteration")
    axes[0].set_title("cost")
    axes[0].legend()
    for ax, row in zip(axes[1:], rows):
        model = models[row["init"]]
        plot_boundary(lambda G, m=model: predict(m, G), X, y, None,
                      f"{row['init']}: train {row['train acc']:.0%}, test {row['test acc']:.0%}",
                      ax=ax)
    fig.suptitle("Initialisation: 2-10-5-1 on circles, gradient descent lr 0.01")
    fig.tight_layout()
    save_figure(fig, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=15000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join("runs", "init_circles.png"))
    args = parser.parse_args(argv)
    rows, models, data = run(args.iterations, args.seed)
    print(f"Initialisation on circles: 2-10-5-1, full-batch GD, lr 0.01, "
          f"{args.iterations} iterations")
    print(table(rows, COLUMNS, FORMATS))
    plot(rows, models, data, args.out)
    print(f"wrote {args.out}")
    return rows


if __name__ == "__main__":
    main()
