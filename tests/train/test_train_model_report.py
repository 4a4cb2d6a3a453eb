"""The MLP builder (layer order, dropout placement, initialisers) and the bias/variance verdict."""
import numpy as np
import pytest

from autograd_lite import nn
import autograd_lite as al
from autograd_lite.train import TrainConfig, build_cnn, build_mlp, build_model, verdict
from autograd_lite.train.report import format_table, table


def test_layer_order_batchnorm_then_activation_then_dropout():
    model = build_mlp(64, (32, 16), 10, activation="tanh", batchnorm=True, dropout=0.3)
    kinds = [type(m).__name__ for m in model.children()]
    assert kinds == ["Linear", "BatchNorm1d", "Tanh", "Dropout",
                     "Linear", "BatchNorm1d", "Tanh", "Dropout", "Linear"]
    linears = [m for m in model.children() if isinstance(m, nn.Linear)]
    assert linears[0].bias is None and linears[1].bias is None   # β takes the bias's place
    assert linears[-1].bias is not None and linears[-1].out_features == 10


def test_dropout_never_on_input_or_output_and_binary_has_one_logit():
    model = build_mlp(2, (5,), 2, dropout=0.5)
    kinds = [type(m).__name__ for m in model.children()]
    assert kinds[0] == "Linear" and kinds[-1] == "Linear" and kinds.count("Dropout") == 1
    assert list(model.children())[-1].out_features == 1
    plain = build_mlp(2, (5,), 2)
    assert "Dropout" not in [type(m).__name__ for m in plain.children()]


def test_initialisers():
    import autograd_lite as al
    al.manual_seed(0)
    zeros = build_mlp(100, (200,), 2, init="zeros")
    assert all(np.all(p.detach().numpy() == 0) for p in zeros.parameters())
    big = build_mlp(100, (200,), 2, init="random")
    he = build_mlp(100, (200,), 2, init="he")
    xavier = build_mlp(100, (200,), 2, init="xavier")
    w = lambda m: list(m.children())[0].weight.detach().numpy()   # noqa: E731
    assert w(big).std() == pytest.approx(10.0, rel=0.05)
    assert w(he).std() == pytest.approx(np.sqrt(2 / 100), rel=0.05)
    assert w(xavier).std() == pytest.approx(np.sqrt(1 / 100), rel=0.05)
    assert np.all(list(he.children())[0].bias.detach().numpy() == 0)


@pytest.mark.parametrize("train_acc, dev_acc, bayes, kind", [
    (0.99, 0.89, 0.0, "high variance"),          # the course's 1% / 11%
    (0.85, 0.84, 0.0, "high bias"),              # 15% / 16%
    (0.85, 0.70, 0.0, "high bias and high variance"),   # 15% / 30%
    (0.995, 0.99, 0.0, "fine"),                  # 0.5% / 1%
    (0.85, 0.84, 0.14, "fine"),                  # 15% is fine when Bayes error is 14%
])
def test_verdict_follows_the_course(train_acc, dev_acc, bayes, kind):
    v = verdict(train_acc, dev_acc, bayes_error=bayes, tolerance=0.03)
    assert v.kind == kind
    assert v.variance == pytest.approx(train_acc - dev_acc)
    step = v.next_step.lower()
    if kind == "high bias":
        assert "bigger network" in step and "train longer" in step
    elif kind == "high variance":
        assert "more data" in step and "regularisation" in step
    elif kind == "high bias and high variance":
        assert step.startswith("fix the bias first")


def test_tables():
    final = {s: {"accuracy": a, "loss": 0.1, "n": 10} for s, a in
             (("train", 1.0), ("dev", 0.9), ("test", 0.85))}
    text = format_table(final)
    assert "100.00%" in text and "85.00%" in text and "15.00%" in text
    t = table([{"a": "x", "b": 0.5}, {"a": "yy", "b": None}], formats={"b": ".1%"})
    assert "50.0%" in t and "-" in t.splitlines()[-1]


def test_cnn_reads_rows_as_images_conv_blocks_then_the_mlp_layers():
    model = build_cnn(64, (32,), 10, batchnorm=True, dropout=0.3)
    kinds = [type(m).__name__ for m in model.children()]
    assert kinds == ["Unflatten", "Conv2d", "BatchNorm2d", "ReLU", "Conv2d", "BatchNorm2d",
                     "ReLU", "MaxPool2d", "Flatten", "Linear", "BatchNorm1d", "ReLU",
                     "Dropout", "Linear"]
    assert model[1].bias is None and model[9].in_features == 32 * 4 * 4
    assert model(al.tensor(np.zeros((5, 64), np.float32))).shape == (5, 10)
    assert type(build_model(TrainConfig(model="cnn"), 64, 10)[1]).__name__ == "Conv2d"
    with pytest.raises(ValueError, match="square"):
        build_cnn(60, (), 10)
