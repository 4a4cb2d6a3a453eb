"""Example 3: at the course's tiny learning rate, Adam beats gradient descent on moons."""
from example_loader import load_example

example = load_example("optimizers_moons")


def test_adam_beats_gradient_descent():
    rows, _, _ = example.run(epochs=400, lr=0.002)
    by = {r["optimizer"]: r for r in rows}
    assert by["adam"]["final cost"] < 0.7 * by["gd"]["final cost"]
    assert by["adam"]["train acc"] > by["gd"]["train acc"] + 0.03
    assert by["adam"]["train acc"] > 0.9
    # the course's momentum (v = βv + (1−β)dW) follows gradient descent closely
    assert abs(by["momentum"]["final cost"] - by["gd"]["final cost"]) < 0.05
