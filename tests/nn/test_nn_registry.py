"""Walk NN_OPS (the registry entries of the nn Functions and losses) the way the generated
op tests do: gradcheck every sample in float64 and compare the forward with the numpy reference
in float32 and float64. Also checks that the checks can fail."""
import numpy as np
import pytest

import autograd_lite as al
from autograd_lite.op_db.nn_ops import NN_OPS
from autograd_lite.opinfo import OpInfo, SampleInput


def _to_inputs(sample, dtype):
    args = []
    for a in sample.args:
        if isinstance(a, np.ndarray) and a.dtype.kind == "f":
            args.append(al.tensor(a, dtype=dtype, requires_grad=True))
        elif isinstance(a, np.ndarray):
            args.append(al.tensor(a))
        else:
            args.append(a)
    return args


def _call(info, args, kwargs):
    if info.random:
        al.manual_seed(0)
    return info.op(*args, **kwargs)


def _ref(info, sample, dtype):
    if info.random:
        al.manual_seed(0)
    arrays = [a.astype(dtype) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a
              for a in sample.args]
    return info.ref(*arrays, **sample.kwargs)


CASES = [pytest.param(info, sample, id=f"{info.name}-{sample.name}")
         for info in NN_OPS for sample in info.samples()]


def test_names_unique_and_prefixed():
    names = [info.name for info in NN_OPS]
    assert len(names) == len(set(names))
    assert all(name.startswith("nn.functional.") for name in names)


@pytest.mark.parametrize("info, sample", CASES)
def test_gradcheck_float64(info, sample):
    args = _to_inputs(sample, np.float64)
    if not any(isinstance(a, al.Tensor) and a.requires_grad for a in args):
        pytest.skip("no differentiable input")
    assert al.gradcheck(lambda *xs: _call(info, xs, sample.kwargs), args,
                        **info.gradcheck_kwargs)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("info, sample", CASES)
def test_forward_matches_reference(info, sample, dtype):
    out = _call(info, _to_inputs(sample, dtype), sample.kwargs)
    expected = np.asarray(_ref(info, sample, dtype))
    assert out.dtype == dtype
    assert out.shape == expected.shape
    tol = info.float32_tol if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(out.data, expected, rtol=tol, atol=tol)


def test_a_wrong_backward_fails_the_check():
    """The harness above must be able to fail: a Linear whose weight gradient is off by 1%."""
    from autograd_lite.ops import nn_functions

    class BadLinear(nn_functions.Linear):
        @staticmethod
        def backward(ctx, g):
            gx, gw, gb = nn_functions.Linear.backward(ctx, g)
            return gx, gw * 1.01, gb

    rng = np.random.default_rng(0)
    x = al.tensor(rng.standard_normal((4, 3)), dtype=np.float64, requires_grad=True)
    w = al.tensor(rng.standard_normal((2, 3)), dtype=np.float64, requires_grad=True)
    with pytest.raises(al.GradcheckError, match="input 1"):
        al.gradcheck(lambda a, b: BadLinear.apply(a, b, None), [x, w])


def test_a_wrong_reference_fails_the_comparison():
    info = NN_OPS[0]
    bad = OpInfo(info.name, info.op, lambda x, w, b=None: info.ref(x, w, b) * 1.0001,
                 info.sample_inputs)
    sample = SampleInput((np.ones((2, 3)), np.ones((4, 3)), np.ones(4)))
    out = _call(bad, _to_inputs(sample, np.float64), sample.kwargs)
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(out.data, _ref(bad, sample, np.float64), rtol=1e-10,
                                   atol=1e-10)
