"""Module API: registration, traversal, modes, gradients, dtype, state dicts, repr."""
from collections import OrderedDict

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 4)
        self.bn = nn.BatchNorm1d(4)
        self.drop = nn.Dropout(0.5)
        self.head = nn.Linear(4, 2)
        self.scale = nn.Parameter(al.ones(1))
        self.register_buffer("steps", al.zeros(1))
        self.register_buffer("cache", al.zeros(2), persistent=False)
        self.not_a_param = al.ones(3)

    def forward(self, x):
        return self.head(self.drop(self.bn(self.fc(x)).relu())) * self.scale


def test_registration_order_and_names():
    net = Net()
    assert [n for n, _ in net.named_parameters()] == [
        "scale", "fc.weight", "fc.bias", "bn.weight", "bn.bias", "head.weight", "head.bias"]
    assert [n for n, _ in net.named_buffers()] == [
        "steps", "cache", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"]
    assert [type(m).__name__ for m in net.children()] == ["Linear", "BatchNorm1d", "Dropout",
                                                          "Linear"]
    assert [n for n, _ in net.named_modules()] == ["", "fc", "bn", "drop", "head"]
    assert isinstance(net.fc.weight, nn.Parameter) and net.fc.weight.requires_grad
    assert "not_a_param" not in dict(net.named_parameters())
    assert net.num_parameters() == 1 + 12 + 4 + 4 + 4 + 8 + 2


def test_state_dict_uses_pytorch_key_names():
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.ReLU(), nn.Linear(3, 1))
    assert list(model.state_dict()) == [
        "0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
        "1.num_batches_tracked", "3.weight", "3.bias"]
    net = Net()
    keys = list(net.state_dict())
    assert "bn.running_var" in keys and "bn.num_batches_tracked" in keys
    assert "steps" in keys and "cache" not in keys  # non-persistent buffers stay out
    sd = net.state_dict()
    assert sd["bn.num_batches_tracked"].dtype == np.int64
    assert not sd["fc.weight"].requires_grad
    assert np.shares_memory(sd["fc.weight"]._data, net.fc.weight._data)


def test_shared_parameters_counted_once():
    layer = nn.Linear(2, 2)
    model = nn.Sequential(layer, nn.ReLU(), layer)
    assert len(list(model.parameters())) == 2
    assert model.num_parameters() == 6
    assert len(list(model.modules())) == 3  # Sequential, Linear (once), ReLU


def test_train_eval_propagate_to_every_descendant():
    net = nn.Sequential(Net(), nn.ModuleList([nn.Dropout(), nn.Sequential(nn.BatchNorm1d(2))]))
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    net[1].eval()
    assert net.training and not net[1][1][0].training


def test_eval_turns_off_dropout_and_uses_running_stats():
    al.manual_seed(0)
    net = Net()
    x = al.randn(16, 3)
    net(x)
    net.eval()
    a, b = net(x)._data, net(x)._data
    np.testing.assert_array_equal(a, b)


def test_zero_grad_and_requires_grad_():
    net = Net()
    net(al.randn(5, 3)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(np.all(p.grad._data == 0) for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


def test_to_double_keeps_parameter_objects():
    net = Net()
    before = [id(p) for p in net.parameters()]
    assert net.double() is net
    assert [id(p) for p in net.parameters()] == before
    assert all(p.dtype == np.float64 for p in net.parameters())
    assert net.bn.running_var.dtype == np.float64
    assert net.bn.num_batches_tracked.dtype == np.int64
    assert net(al.randn(4, 3, dtype=np.float64)).dtype == np.float64
    net.float()
    assert net.fc.weight.dtype == np.float32


def test_apply_visits_children_first():
    seen = []
    model = nn.Sequential(nn.Linear(1, 1), nn.Sequential(nn.ReLU()))
    model.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "ReLU", "Sequential", "Sequential"]

    def reinit(m):
        if isinstance(m, nn.Linear):
            nn.init.constant_(m.weight, 0.5)
    model.apply(reinit)
    assert model[0].weight.item() == 0.5


def test_state_dict_round_trip_restores_outputs():
    al.manual_seed(0)
    a, b = Net(), Net()
    a(al.randn(8, 3))  # move running statistics
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    a.eval(), b.eval()
    x = al.randn(4, 3)
    np.testing.assert_array_equal(a(x)._data, b(x)._data)
    assert b.bn.num_batches_tracked.item() == 1
    # a copy, not an alias
    assert not np.shares_memory(a.fc.weight._data, b.fc.weight._data)


def test_load_state_dict_accepts_numpy_and_casts_dtype():
    layer = nn.Linear(2, 2)
    sd = {"weight": np.arange(4.0).reshape(2, 2), "bias": np.array([1.0, 2.0])}
    layer.load_state_dict(sd)
    assert layer.weight.dtype == np.float32
    np.testing.assert_array_equal(layer.weight._data, [[0, 1], [2, 3]])


def test_load_state_dict_strict_lists_missing_unexpected_and_shapes():
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    sd = model.state_dict()
    del sd["1.running_var"]
    sd["2.weight"] = al.zeros(1)
    sd["0.bias"] = al.zeros(4)
    before = model[0].weight._data.copy()
    sd["0.weight"] = al.zeros(3, 2)
    with pytest.raises(RuntimeError) as info:
        model.load_state_dict(sd)
    message = str(info.value)
    assert '"2.weight"' in message and "Unexpected" in message
    assert '"1.running_var"' in message and "Missing" in message
    assert "size mismatch for 0.bias" in message and "(4,)" in message and "(3,)" in message
    np.testing.assert_array_equal(model[0].weight._data, before)  # nothing was copied


def test_load_state_dict_non_strict_reports_but_shapes_still_checked():
    model = nn.Sequential(nn.Linear(2, 3))
    result = model.load_state_dict({"0.weight": al.ones(3, 2), "extra": al.ones(1)},
                                   strict=False)
    assert result.missing_keys == ["0.bias"] and result.unexpected_keys == ["extra"]
    assert np.all(model[0].weight._data == 1)
    with pytest.raises(RuntimeError, match="size mismatch"):
        model.load_state_dict({"0.weight": al.ones(2, 2)}, strict=False)


def test_load_state_dict_bumps_versions():
    layer = nn.Linear(2, 1)
    y = layer(al.ones(1, 2)).sum()
    layer.load_state_dict(layer.state_dict())
    with pytest.raises(RuntimeError, match="in-place"):
        y.backward()


def test_repr_is_nested_and_readable():
    model = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.BatchNorm1d(3), nn.ReLU()),
                          nn.Dropout(0.1))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (1): Sequential(\n"
        "    (0): BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n"
        "    (1): ReLU()\n"
        "  )\n"
        "  (2): Dropout(p=0.1, inplace=False)\n"
        ")")
    assert repr(nn.Linear(1, 2, bias=False)) == "Linear(in_features=1, out_features=2, bias=False)"
    assert repr(nn.Parameter(al.ones(2))).startswith("Parameter containing:\ntensor(")


def test_assignment_errors_and_reassignment():
    net = Net()
    with pytest.raises(TypeError, match="Parameter"):
        net.scale = al.ones(1)
    net.scale = None
    assert "scale" not in dict(net.named_parameters())
    net.fc = nn.Identity()
    assert "fc.weight" not in net.state_dict()

    class Early(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(al.ones(1))

    with pytest.raises(AttributeError, match="super"):
        Early()
    with pytest.raises(AttributeError, match="no attribute 'missing'"):
        net.missing


def test_parameter_shares_data_and_is_a_leaf():
    a = np.ones(3, dtype=np.float32)
    p = nn.Parameter(a)
    assert p.requires_grad and p.is_leaf and isinstance(p, al.Tensor)
    assert np.shares_memory(p._data, a)
    assert not nn.Parameter(al.ones(2), requires_grad=False).requires_grad


def test_sequential_indexing_slicing_and_ordered_dict():
    model = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.ReLU())]))
    assert list(model.state_dict()) == ["fc.weight", "fc.bias"]
    assert isinstance(model[-1], nn.ReLU) and len(model) == 2
    assert isinstance(model[:1], nn.Sequential) and len(model[:1]) == 1
    with pytest.raises(IndexError):
        model[2]
    seq = nn.Sequential(nn.Linear(1, 1)).append(nn.ReLU())
    assert list(seq.state_dict()) == ["0.weight", "0.bias"] and len(seq) == 2


def test_module_list_and_dict():
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    layers.append(nn.ReLU())
    assert len(layers) == 4 and len(list(layers.parameters())) == 6
    assert list(layers.state_dict())[:2] == ["0.weight", "0.bias"]
    del layers[0]
    assert list(layers.state_dict())[0] == "0.weight" and len(layers) == 3
    heads = nn.ModuleDict({"a": nn.Linear(2, 1), "b": nn.Linear(2, 3)})
    assert list(heads.keys()) == ["a", "b"] and "a" in heads
    assert list(heads.state_dict()) == ["a.weight", "a.bias", "b.weight", "b.bias"]

    class Multi(nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = layers
            self.heads = heads

    assert "blocks.1.weight" in Multi().state_dict()
    assert "heads.b.bias" in Multi().state_dict()


def test_forward_not_defined():
    with pytest.raises(NotImplementedError, match="forward"):
        nn.Module()(1)
