"""al.compile on a function whose outputs stay on the caller's graph (a module's forward, the
loss and backward outside): the replay is one node (compile/graph_call.py), and gradients,
parameters, buffers and optimizer state equal eager's bit for bit."""
import warnings

import numpy as np
import pytest

import autograd_lite as al
import autograd_lite.nn.functional as F
from autograd_lite import nn
from autograd_lite.compile import CompileWarning
from autograd_lite.compile.graph_call import CompiledCall

from test_compile import _data, _mlp, _same_state, _tiny


def _train_both(make, loss_fn, batches, steps=30):
    """The same loop twice, the model called directly and through al.compile(model)."""
    runs = []
    for compiled in (False, True):
        model, opt = make(0)
        forward = al.compile(model) if compiled else model
        losses = []
        for i in range(steps):
            x, y = batches[i % len(batches)]
            al.manual_seed(100 + i)
            opt.zero_grad()
            loss = loss_fn(forward(x), y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        runs.append((model, opt, forward, losses))
    (m1, o1, _, l1), (m2, o2, fast, l2) = runs
    assert l1 == l2
    _same_state(m1, o1, m2, o2)
    return fast


def test_compiled_forward_in_a_training_loop_is_bit_identical():
    with warnings.catch_warnings():
        warnings.simplefilter("error", CompileWarning)
        fast = _train_both(_tiny, F.binary_cross_entropy, [_data(64, 2), _data(20, 2, seed=1)])
    assert fast.captured and "one node of the caller's graph" in fast.explain()


def test_dropout_and_batchnorm_forward_replays_with_the_same_masks_and_statistics():
    fast = _train_both(_mlp, F.cross_entropy, [_data(32, 8, 4), _data(32, 8, 4, seed=2)])
    assert fast.captured


def test_the_replay_is_one_node_and_routes_input_gradients():
    al.manual_seed(0)
    layer = nn.Linear(3, 4).double()
    fast = al.compile(lambda x: layer(x).tanh() * 2)
    base = al.tensor(np.random.default_rng(0).standard_normal((5, 3)), requires_grad=True)
    grads = []
    for call in (lambda x: layer(x).tanh() * 2, fast, fast):
        base.grad = None
        layer.zero_grad()
        x = base * 3.0  # an argument made by an op outside: its gradient goes on to base
        out = call(x)
        (out * out).sum().backward()
        grads.append((base.grad.numpy().copy(), layer.weight.grad.numpy().copy()))
    assert out._node.fn is CompiledCall
    for got in grads[1:]:
        for a, b in zip(grads[0], got):
            np.testing.assert_array_equal(a, b)


def test_autograd_grad_and_retain_graph_through_the_node():
    al.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2)).double()
    fast = al.compile(model)
    x = al.tensor(np.random.default_rng(1).standard_normal((4, 3)))
    fast(x)  # records
    eager = al.autograd.grad(model(x).sum(), list(model.parameters()))
    out = fast(x).sum()
    first = al.autograd.grad(out, list(model.parameters()), retain_graph=True)
    second = al.autograd.grad(out, list(model.parameters()))
    for e, a, b in zip(eager, first, second):
        np.testing.assert_array_equal(e.numpy(), a.numpy())
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    with pytest.raises(RuntimeError, match="second time"):
        al.autograd.grad(out, list(model.parameters()))


def test_a_parameter_changed_in_place_before_backward_raises_as_in_eager():
    al.manual_seed(0)
    model = nn.Linear(3, 2).double()
    fast = al.compile(model)
    x = al.tensor(np.ones((2, 3)))
    fast(x)
    out = fast(x).sum()
    with al.no_grad():
        model.weight.mul_(2.0)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        out.backward()


def test_an_output_off_the_graph_stays_off_and_second_derivatives_of_a_pure_call():
    al.manual_seed(0)
    w = al.tensor(np.random.default_rng(2).standard_normal((3, 3)), requires_grad=True)
    c = al.tensor(np.arange(4.0))

    def f(x):
        return (x @ w).tanh(), c * 2.0  # the second needs no grad, in eager as in the replay

    fast = al.compile(f)
    x = al.tensor(np.random.default_rng(3).standard_normal((4, 3)), requires_grad=True)
    fast(x)
    h, doubled = fast(x)
    assert h.requires_grad and not doubled.requires_grad and doubled._node is None
    np.testing.assert_array_equal(doubled.numpy(), f(x)[1].numpy())
    # a call without side effects: create_graph runs it again eagerly
    (gx,) = al.autograd.grad(fast(x)[0].pow(2).sum(), [x], create_graph=True)
    (ex,) = al.autograd.grad(f(x)[0].pow(2).sum(), [x], create_graph=True)
    np.testing.assert_allclose(gx.detach().numpy(), ex.detach().numpy(), rtol=1e-12)
    (ggx,) = al.autograd.grad(gx.sum(), [w])
    (egx,) = al.autograd.grad(ex.sum(), [w])
    np.testing.assert_allclose(ggx.numpy(), egx.numpy(), rtol=1e-12)


def test_second_derivatives_through_a_call_with_dropout_raise_naming_the_cause():
    al.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Dropout(0.5), nn.Tanh()).double()
    fast = al.compile(model)
    x = al.tensor(np.ones((2, 3)), requires_grad=True)
    fast(x)
    out = fast(x).sum()
    with pytest.raises(RuntimeError, match="dropout draws or running-statistics"):
        al.autograd.grad(out, [x], create_graph=True)


def test_returning_an_argument_with_a_graph_output_runs_eagerly_with_a_warning():
    layer = nn.Linear(2, 2).double()
    fast = al.compile(lambda x: (layer(x), x))
    x = al.tensor(np.ones((1, 2)), requires_grad=True)
    with pytest.warns(CompileWarning, match="no op inside"):
        fast(x)
    out, same = fast(x)
    assert same is x and out._node.fn is not CompiledCall
    assert not fast.captured
