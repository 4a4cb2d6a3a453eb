"""Example 5: batch norm keeps training at learning rates where the plain network fails."""
from example_loader import load_example

example = load_example("batchnorm_lr")


def test_batchnorm_is_robust_to_the_learning_rate():
    rows, curves, _ = example.run(lrs=(0.03, 3.0), epochs=3, hidden=(64, 64, 64),
                                  variants=(("relu", False), ("relu", True),
                                            ("sigmoid", False), ("sigmoid", True)))
    high = rows[-1]
    assert high["relu"] == "diverged" or curves["relu"][-1] < 0.5
    assert curves["relu + BN"][-1] > 0.9
    # sigmoid units: batch norm trains far better over the whole range
    for i in range(2):
        assert curves["sigmoid + BN"][i] > curves["sigmoid"][i] + 0.1
