"""PyTorch compatibility of the Tensor surface: devices, dtype names and promotion tables,
Python protocols, creation functions, DataLoader keywords. Each rule is checked against the
rule itself and, where torch is installed, against PyTorch."""
import itertools

import numpy as np
import pytest

import autograd_lite as al

DTYPE_NAMES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"]


# ---- devices ---------------------------------------------------------------------------------
def test_cpu_is_the_device_and_others_are_refused_by_name():
    x = al.ones(2, device="cpu")
    assert x.device == al.device("cpu") == "cpu" and str(x.device) == "cpu"
    assert x.to("cpu") is x and x.cpu() is x
    assert x.to(al.device("cpu"), al.float64).dtype == al.float64
    assert x.to("cpu", dtype=al.float64, copy=True).dtype == al.float64
    assert al.cuda.is_available() is False and al.cuda.device_count() == 0
    for call in (lambda: x.to("cuda"), lambda: al.zeros(2, device="cuda:0"),
                 lambda: al.nn.Linear(2, 2).to("cuda"), lambda: x.cuda()):
        with pytest.raises(RuntimeError, match="'cuda(:0)?' is not available.*'cpu'"):
            call()
    with pytest.raises(RuntimeError, match="device type"):
        al.device("tpu")


def test_the_common_device_idiom_runs():
    device = al.device("cuda" if al.cuda.is_available() else "cpu")
    model = al.nn.Linear(3, 2).to(device)
    x = al.randn(4, 3, device=device)
    assert model(x.to(device)).shape == (4, 2)
    assert model.to("cpu", al.float64).weight.dtype == al.float64


def test_every_creation_function_takes_device():
    for make in (lambda d: al.zeros(2, device=d), lambda d: al.ones(2, device=d),
                 lambda d: al.empty(2, device=d), lambda d: al.full((2,), 1.0, device=d),
                 lambda d: al.arange(3, device=d), lambda d: al.eye(2, device=d),
                 lambda d: al.rand(2, device=d), lambda d: al.randn(2, device=d),
                 lambda d: al.linspace(0, 1, 3, device=d), lambda d: al.tensor([1.0], device=d),
                 lambda d: al.randint(0, 3, (2,), device=d), lambda d: al.randperm(3, device=d),
                 lambda d: al.zeros_like(al.ones(2), device=d)):
        assert make("cpu").device == "cpu"
        with pytest.raises(RuntimeError, match="not available"):
            make("cuda")


# ---- dtypes ----------------------------------------------------------------------------------
def test_pytorch_dtype_aliases():
    assert al.float is al.float32 and al.double is al.float64 and al.half is al.float16
    assert al.int is al.int32 and al.long is al.int64
    x = al.tensor([1.5, -2.5])
    assert (x.int().dtype, x.long().dtype, x.bool().dtype, x.half().dtype) == (
        al.int32, al.int64, al.bool, al.float16)
    assert x.type() == "torch.FloatTensor" and x.type(al.float64).dtype == al.float64
    assert x.type("torch.LongTensor").dtype == al.int64


def test_promote_types_table_matches_pytorch():
    torch = pytest.importorskip("torch", reason="torch not installed: table cross-check skipped")
    for a, b in itertools.product(DTYPE_NAMES, DTYPE_NAMES):
        ours = al.promote_types(getattr(al, a), getattr(al, b))
        theirs = torch.promote_types(getattr(torch, a), getattr(torch, b))
        assert str(ours) == str(theirs).removeprefix("torch."), (a, b)


@pytest.mark.parametrize("left, right, expected", [
    (np.zeros(3, np.float32), np.zeros(3, np.int64), al.float32),
    (np.zeros(3, np.float32), np.zeros((), np.float64), al.float32),
    (np.zeros(3, np.int64), 0.5, al.float32),
    (np.zeros(3, np.int64), np.zeros((), np.float64), al.float64),
    (0.7, np.zeros(3, np.int64), al.float32),
    (np.zeros(3, np.int32), 5, al.int32),
    (np.zeros(3, np.bool_), 5, al.int64),
    (np.zeros(3, np.uint8), np.zeros((), np.int64), al.uint8),
])
def test_result_type_rules(left, right, expected):
    """Categories bool < integer < float; dims decide over 0-d over Python numbers within one."""
    assert al.result_type(left, right) == expected


# ---- protocols -------------------------------------------------------------------------------
def test_python_protocols():
    classes = ["cat", "dog", "bird"]
    scores = al.tensor([0.1, 0.7, 0.2])
    assert classes[scores.argmax()] == "dog"
    assert f"{scores.sum():.4f}" == "1.0000" and f"{al.tensor(3):>3d}" == "  3"
    assert int(al.tensor([7])) == 7 and float(al.tensor(2.5)) == 2.5
    assert bool(al.tensor(1)) and len(al.zeros(4, 2)) == 4
    assert [t.item() for t in al.tensor([1.0, 2.0])] == [1.0, 2.0]
    assert hash(scores) == id(scores) or hash(scores) == object.__hash__(scores)
    with pytest.raises(TypeError, match="integer tensors"):
        [1, 2][al.tensor(0.5)]
    with pytest.raises(TypeError, match="format"):
        f"{al.zeros(2):.3f}"


# ---- creation --------------------------------------------------------------------------------
def test_creation_breadth_against_numpy():
    np.testing.assert_allclose(al.linspace(-1, 1, 5).numpy(), np.linspace(-1, 1, 5))
    np.testing.assert_allclose(al.logspace(0, 2, 3).numpy(), [1, 10, 100], rtol=1e-6)
    al.manual_seed(0)
    r = al.randint(3, 7, (1000,))
    assert r.dtype == al.int64 and r.numpy().min() == 3 and r.numpy().max() == 6
    assert sorted(al.randperm(6).tolist()) == list(range(6))
    n = al.normal(2.0, 0.5, (20000,))
    assert abs(n.numpy().mean() - 2.0) < 0.02 and abs(n.numpy().std() - 0.5) < 0.02
    m = al.normal(al.zeros(3), al.ones(3))
    assert m.shape == (3,)
    x = al.ones(2, 3, dtype=al.float64)
    for t in (x.new_zeros(4), x.new_ones((2, 2)), x.new_full((3,), 7.0), x.new_tensor([1, 2]),
              al.full_like(x, 3.0), al.empty_like(x), al.rand_like(x), al.randn_like(x)):
        assert t.dtype == al.float64
    assert x.new_full((3,), 7.0).tolist() == [7.0, 7.0, 7.0]


def test_small_integer_powers_equal_numpy():
    x = al.tensor(np.linspace(-2, 2, 11), dtype=al.float64)
    for e in (2, 3, 4, 3.0):
        np.testing.assert_allclose(x.pow(e).numpy(), np.power(x.numpy(), e), rtol=1e-15)


# ---- data ------------------------------------------------------------------------------------
def test_dataloader_takes_pytorchs_keywords_and_utils_data_path():
    from autograd_lite.utils.data import DataLoader, TensorDataset
    assert al.utils.data is al.data
    ds = TensorDataset(al.arange(10))
    loader = DataLoader(ds, batch_size=4, shuffle=True, num_workers=2, pin_memory=True,
                        seed=3, collate_fn=None, persistent_workers=False)
    seen = sorted(int(i) for (b,) in loader for i in b)
    assert seen == list(range(10))
    with pytest.raises(ValueError, match="num_workers"):
        DataLoader(ds, num_workers=-1)


def test_dataloader_generator_seeds_the_shuffle():
    torch = pytest.importorskip("torch", reason="torch not installed: a torch.Generator is used")
    from autograd_lite.utils.data import DataLoader, TensorDataset
    ds = TensorDataset(al.arange(10))
    orders = []
    for _ in range(2):
        g = torch.Generator()
        g.manual_seed(5)
        orders.append([b[0].tolist() for b in DataLoader(ds, batch_size=5, shuffle=True,
                                                        generator=g)])
    assert orders[0] == orders[1]


# ---- type promotion in arithmetic ---------------------------------------------------------------
PROMOTION_CASES = {
    "float32 + int64 tensor": lambda m: m.ones(3) + m.ones(3, dtype=m.int64),
    "float32 + 0-d float64": lambda m: m.ones(3) + m.tensor(2.0, dtype=m.float64),
    "int + 0.5": lambda m: m.tensor([1, 2]) + 0.5,
    "int / int": lambda m: m.tensor([1, 2]) / m.tensor([2, 2]),
    "0.7 ** int": lambda m: 0.7 ** m.tensor([1, 2]),
    "int ** 2": lambda m: m.tensor([1, 2]) ** 2,
    "bool + 1": lambda m: m.tensor([True]) + 1,
    "int32 * 3": lambda m: m.tensor([1, 2], dtype=m.int32) * 3,
    "float16 * 2.5": lambda m: m.ones(2, dtype=m.float16) * 2.5,
    "int - 0-d float64": lambda m: m.tensor([1, 2]) - m.tensor(1.5, dtype=m.float64),
    "int8 + uint8": lambda m: m.tensor([1], dtype=m.int8) + m.tensor([2], dtype=m.uint8),
}
EXPECTED_DTYPES = {
    "float32 + int64 tensor": al.float32, "float32 + 0-d float64": al.float32,
    "int + 0.5": al.float32, "int / int": al.float32, "0.7 ** int": al.float32,
    "int ** 2": al.int64, "bool + 1": al.int64, "int32 * 3": al.int32,
    "float16 * 2.5": al.float16, "int - 0-d float64": al.float64, "int8 + uint8": al.int16,
}


@pytest.mark.parametrize("case", sorted(PROMOTION_CASES))
def test_arithmetic_promotes_as_pytorch(case):
    assert PROMOTION_CASES[case](al).dtype == EXPECTED_DTYPES[case]


@pytest.mark.parametrize("case", sorted(PROMOTION_CASES))
def test_arithmetic_promotion_matches_torch(case):
    torch = pytest.importorskip("torch", reason="torch not installed: cross-check skipped")
    ours, theirs = PROMOTION_CASES[case](al), PROMOTION_CASES[case](torch)
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_allclose(ours.numpy().astype(np.float64), theirs.numpy().astype(np.float64))


def test_a_promoted_operand_that_requires_grad_gets_its_gradient_in_its_own_dtype():
    x = al.ones(3, requires_grad=True)
    s = al.tensor(2.0, dtype=al.float64, requires_grad=True)
    loss = (x * s).sum()
    loss.backward()
    assert loss.dtype == al.float32
    assert x.grad.dtype == al.float32 and s.grad.dtype == al.float64 and s.grad.item() == 3.0


def test_a_float32_layer_refuses_float64_input():
    layer = al.nn.Linear(3, 2)
    with pytest.raises(RuntimeError, match="float64 but the weight is float32"):
        layer(al.ones(4, 3, dtype=al.float64))
    with pytest.raises(RuntimeError, match="same dtype"):
        al.ones(2, 2) @ al.ones(2, 2, dtype=al.float64)
    assert layer.double()(al.ones(4, 3, dtype=al.float64)).dtype == al.float64


# ---- exception classes ----------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [
    lambda: al.ones(2, 3) @ al.ones(2, 3),
    lambda: al.ones(6).reshape(4, 2),
    lambda: al.ones(2, 3).permute(0),
    lambda: al.cat([al.ones(2, 3), al.ones(2, 4)]),
    lambda: al.ones(3) + al.ones(4),
    lambda: al.ones(2, 3).expand(3, 3),
], ids=["matmul", "reshape", "permute", "cat", "broadcast", "expand"])
def test_shape_errors_are_runtime_errors_and_still_value_errors(bad):
    with pytest.raises(RuntimeError) as caught:
        bad()
    assert isinstance(caught.value, ValueError)
    assert "shape" in str(caught.value) or "dims" in str(caught.value)


def test_dim_out_of_range_is_an_index_error():
    with pytest.raises(IndexError, match="out of range"):
        al.ones(2, 3).sum(2)


# ---- dims: axis= and 0-d tensors --------------------------------------------------------------------
def test_axis_is_an_alias_of_dim():
    x = al.tensor(np.arange(6.0).reshape(2, 3))
    assert x.sum(axis=1).tolist() == [3.0, 12.0] and al.sum(x, axis=0).tolist() == [3, 5, 7]
    assert x.mean(axis=0).shape == (3,) and x.max(axis=1).indices.tolist() == [2, 2]
    assert al.cat([x, x], axis=1).shape == (2, 6) and al.stack([x, x], axis=0).shape == (2, 2, 3)
    assert x.softmax(axis=1).shape == (2, 3) and x.unsqueeze(axis=0).shape == (1, 2, 3)
    with pytest.raises(TypeError, match="dim or axis"):
        x.sum(0, axis=1)


@pytest.mark.parametrize("call", ["sum(0)", "sum(-1)", "mean(0)", "squeeze(0)", "softmax(0)",
                                  "max(0).values", "max(0).indices", "argmax(0)",
                                  "unsqueeze(0)", "logsumexp(0)"])
def test_a_0d_tensor_takes_dim_0_and_minus_1(call):
    out = eval("x." + call, {"x": al.tensor(2.5)})
    torch = pytest.importorskip("torch", reason="torch not installed: compared to the rule only")
    expected = eval("x." + call, {"x": torch.tensor(2.5)})
    assert tuple(out.shape) == tuple(expected.shape)
    np.testing.assert_allclose(out.numpy(), expected.numpy())
    with pytest.raises(IndexError):
        al.tensor(2.5).sum(1)


# ---- indexing order ------------------------------------------------------------------------------------
INDEXES = {
    "int slice slice tensor slice": lambda d: (1, slice(None), slice(3, 11, 2), d, slice(0, 2)),
    "int tensor": lambda d: (1, d),
    "tensor int": lambda d: (d, 1),
    "slice int tensor": lambda d: (slice(None), 1, d),
    "tensor slice int tensor": lambda d: (d, slice(None), 2, d),
    "ellipsis int tensor": lambda d: (Ellipsis, 1, d),
    "None int tensor None negative": lambda d: (None, 1, d, None, -2),
}


@pytest.mark.parametrize("name", sorted(INDEXES))
def test_ints_beside_index_tensors_order_dims_as_pytorch(name):
    """PyTorch applies ints first (basic indexing), numpy counts them as advanced indices; the
    issue's x[1, :, 3:11:2, d, 0:2] on (2, 5, 6, 5, 3, 4) is the first case."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 5, 6, 5, 3, 4))
    d = [0, 2, 1]
    x_al = al.tensor(x, dtype=al.float64, requires_grad=True)
    out = x_al[INDEXES[name](al.tensor(d))]
    if name.startswith("int slice slice"):  # the int first, then one index array: in place
        assert out.shape == (5, 2, 3, 2, 4)
        np.testing.assert_allclose(out.detach().numpy(), x[1][:, 3:11:2, d, 0:2])
    out.sum().backward()
    torch = pytest.importorskip("torch", reason="torch not installed: compared to the rule only")
    t = torch.tensor(x, requires_grad=True)
    t_out = t[INDEXES[name](torch.tensor(d))]
    t_out.sum().backward()
    assert tuple(out.shape) == tuple(t_out.shape)
    np.testing.assert_allclose(out.detach().numpy(), t_out.detach().numpy())
    np.testing.assert_allclose(x_al.grad.numpy(), t.grad.numpy())


def test_setitem_with_ints_beside_index_tensors_follows_the_same_order():
    x = np.zeros((3, 5, 4))
    value = np.arange(10.0).reshape(5, 2)
    t = al.tensor(x)
    t[1, :, al.tensor([0, 2])] = al.tensor(value)
    expected = x.copy()
    expected[1][:, [0, 2]] = value
    np.testing.assert_array_equal(t.numpy(), expected)


# ---- .data ----------------------------------------------------------------------------------------
def test_data_is_a_detached_tensor_sharing_memory():
    p = al.nn.Parameter(al.ones(3))
    d = p.data
    assert isinstance(d, al.Tensor) and not d.requires_grad and d.grad_fn is None
    p.data.add_(al.full((3,), 2.0))  # the classic manual SGD update
    assert p.tolist() == [3.0, 3.0, 3.0] and p.requires_grad
    assert p.data.numpy().tolist() == [3.0, 3.0, 3.0]


def test_changes_through_data_are_not_seen_by_autograd():
    """As PyTorch: .data has its own version counter (unlike detach())."""
    x = al.ones(3, requires_grad=True)
    y = (x * x).sum()
    x.data.mul_(2)
    y.backward()
    assert x.grad.tolist() == [4.0, 4.0, 4.0]  # the changed values, silently (PyTorch's rule)
    z = al.ones(3, requires_grad=True)
    w = (z * z).sum()
    with al.no_grad():
        z.detach().mul_(2)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        w.backward()


def test_assigning_data_replaces_the_values_keeping_the_parameter():
    layer = al.nn.Linear(2, 2)
    weight = layer.weight
    layer.weight.data = al.zeros(2, 2)
    assert layer.weight is weight and layer.weight.requires_grad
    assert layer.weight.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    with pytest.raises(TypeError, match="Tensor"):
        layer.weight.data = [[1.0]]


# ---- bugs found from outside ---------------------------------------------------------------------
def test_cross_entropy_ignore_index_on_a_real_class_ignores_it():
    """The fused kernel path ignored nothing when ignore_index named a class that occurs."""
    rng = np.random.default_rng(3)
    logits = rng.normal(size=(6, 4)).astype(np.float32)
    target = np.array([0, 2, 2, 1, 3, 2])
    x = al.tensor(logits, requires_grad=True)
    loss = al.nn.functional.cross_entropy(x, al.tensor(target), ignore_index=2)
    logp = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    keep = target != 2
    expected = -logp[np.arange(6), target][keep].mean()
    assert loss.item() == pytest.approx(expected, rel=1e-5)
    loss.backward()
    assert np.all(x.grad.numpy()[~keep] == 0)
    torch = pytest.importorskip("torch", reason="torch not installed: compared to the formula")
    t = torch.tensor(logits, requires_grad=True)
    t_loss = torch.nn.functional.cross_entropy(t, torch.tensor(target), ignore_index=2)
    t_loss.backward()
    assert loss.item() == pytest.approx(t_loss.item(), rel=1e-5)
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("base, exponent", [(0.0, 2.0), (0.0, 0.0), (0.0, 0.3), (1.5, 0.0),
                                            (0.0, 1.0), (2.0, 0.5)])
def test_pow_gradients_at_zero_are_pytorchs(base, exponent):
    """0 ** y and x ** 0 have finite gradients (0 where PyTorch gives 0), never NaN/-inf."""
    a = al.tensor([base], dtype=al.float64, requires_grad=True)
    b = al.tensor([exponent], dtype=al.float64, requires_grad=True)
    (a ** b).sum().backward()
    ga, gb = a.grad.item(), b.grad.item()
    assert not np.isnan(gb) and not np.isnan(ga)
    torch = pytest.importorskip("torch", reason="torch not installed: finite checked only")
    ta = torch.tensor([base], dtype=torch.float64, requires_grad=True)
    tb = torch.tensor([exponent], dtype=torch.float64, requires_grad=True)
    (ta ** tb).sum().backward()
    assert ga == pytest.approx(ta.grad.item()) or (np.isinf(ga) and np.isinf(ta.grad.item()))
    assert gb == pytest.approx(tb.grad.item())
