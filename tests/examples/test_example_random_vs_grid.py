"""Example 8: with the same budget a grid tries √n learning rates and random search n; α
sampled as 10^r spreads evenly over the decades, uniform sampling piles into the top one."""
import pytest

from example_loader import PNG, load_example

example = load_example("random_vs_grid")


def test_random_search_tries_more_distinct_learning_rates():
    rows, grid_points, random_points = example.run(n_trials=4, epochs=1)
    by_search = {r["search"]: r for r in rows}
    assert by_search["grid"]["distinct lr"] == 2 and by_search["random"]["distinct lr"] == 4
    assert all(0 <= score <= 1 for _, score in grid_points + random_points)


def test_log_uniform_spreads_over_decades_and_uniform_does_not():
    edges, uniform, log_uniform = example.log_scale_shares(n=40_000)
    assert uniform[-1] > 0.85 and uniform[0] < 0.01
    assert all(abs(share - 0.25) < 0.03 for share in log_uniform)


def test_main_writes_the_png(tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "rvg.png"
    example.main(["--trials", "4", "--epochs", "1", "--out", str(out)])
    assert out.read_bytes().startswith(PNG)
