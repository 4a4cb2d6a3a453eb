"""Testing tools for autograd_lite and for users' own ops; also a pytest plugin.

Installing autograd_lite registers this module as a pytest plugin (entry point ``pytest11``),
which gives every project:

- the ``gradcheck`` fixture: ``def test_mine(gradcheck): gradcheck(fn, inputs)``;
- ``op_tests(*opinfos)``: a parametrized test that runs every standard check on ops, so that
  ``test_cube = op_tests(OpInfo("cube", op=cube, ref=lambda x: x ** 3, sample_inputs=...))`` checks
  a user's op exactly as autograd_lite checks its own (tests/test_op_registry.py does the same
  over the whole registry).

The checks: gradcheck in float64; gradgradcheck in float64 (second derivatives through each
op's ``vjp``); the first-order gradient of the recorded path (``vjp``) equal to the array
path's (``backward``) on every sample, so an op that has both cannot let them drift apart;
forward against the numpy reference in every dtype; output dtypes equal to the reference's;
gradients shaped and typed like their inputs; two backward passes over one graph give
identical gradients.
"""
import numpy as np

from . import random as al_random
from .autograd import grad as _autograd_grad
from .gradcheck import gradcheck as _gradcheck
from .gradcheck import gradgradcheck as _gradgradcheck
from .opinfo import OpInfo, SampleInput, get_op, register_op, registered_ops  # noqa: F401
from .tensor import Tensor

try:
    import pytest
except ImportError:  # the checks work without pytest; only the fixture and op_tests need it
    pytest = None

DTYPES = (np.float32, np.float64)


# ---- turning a sample into tensors -----------------------------------------------------------
def _to_tensor(value, dtype, grads):
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f":
            t = Tensor(value, dtype=dtype, requires_grad=True)
            grads.append(t)
            return t
        return Tensor(value)
    if isinstance(value, list) and value and all(isinstance(v, np.ndarray) for v in value):
        return [_to_tensor(v, dtype, grads) for v in value]
    return value


def _to_array(value, dtype):
    if isinstance(value, np.ndarray):
        return value.astype(dtype) if value.dtype.kind == "f" else value
    if isinstance(value, list) and value and all(isinstance(v, np.ndarray) for v in value):
        return [_to_array(v, dtype) for v in value]
    return value


def materialize(sample: SampleInput, dtype):
    """(args, kwargs, leaves): the sample's arguments as Tensors of ``dtype`` and the leaves
    that require grad, in order."""
    leaves = []
    args = tuple(_to_tensor(a, dtype, leaves) for a in sample.args)
    return args, dict(sample.kwargs), leaves


def _outputs(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _call(info, args, kwargs):
    if info.random:
        al_random.manual_seed(0)
    return info.op(*args, **kwargs)


def _label(info, sample):
    return f"{info.name}[{sample.name}]"


def _skip_reason(info, check):
    return info.skips.get(check)


# ---- the checks --------------------------------------------------------------------------------
def gradcheck_target(info: OpInfo, sample: SampleInput):
    """(fn, leaves): the sample as a function of its float64 leaves only, ready for gradcheck;
    None when the sample has nothing to differentiate."""
    args, kwargs, leaves = materialize(sample, np.float64)
    if not leaves:
        return None
    positions = [id(t) for t in leaves]

    def fn(*new_leaves):
        swap = dict(zip(positions, new_leaves))
        rebuilt = tuple([swap.get(id(v), v) for v in a] if isinstance(a, list) else swap.get(id(a), a)
                        for a in args)
        return _call(info, rebuilt, kwargs)

    return fn, tuple(leaves)


def check_gradcheck(info: OpInfo):
    """Analytic gradients equal central differences in float64 for every sample."""
    _check_every_sample(info, _gradcheck, "")


def _check_every_sample(info, checker, what):
    """Run ``checker`` (gradcheck or gradgradcheck) on every sample, naming the failing one."""
    for sample in info.samples():
        target = gradcheck_target(info, sample)
        if target is None:
            continue
        try:
            checker(*target, **info.gradcheck_kwargs)
        except AssertionError as error:
            raise AssertionError(f"{_label(info, sample)}{what}: {error}") from None


def check_gradgradcheck(info: OpInfo):
    """Second derivatives (the recorded backward, differentiated again) equal central
    differences of first derivatives in float64 for every sample."""
    _check_every_sample(info, _gradgradcheck, " (second order)")


def check_vjp_matches_backward(info: OpInfo, dtype):
    """The gradient computed by the recorded path (each op's ``vjp``, ``create_graph=True``)
    equals the array path's (``backward``) for every sample: the registry's guard against two
    derivative formulas drifting apart."""
    rtol, atol = (info.float32_tol, info.float32_tol) if dtype == np.float32 else (1e-9, 1e-12)
    rng = np.random.default_rng(2)
    for sample in info.samples():
        args, kwargs, leaves = materialize(sample, dtype)
        outs = [o for o in _outputs(_call(info, args, kwargs)) if o.requires_grad]
        if not outs:
            continue
        seeds = [rng.normal(size=o.shape).astype(o.dtype) for o in outs]
        arrays = _autograd_grad(outs, leaves, seeds, retain_graph=True, allow_unused=True)
        recorded = _autograd_grad(outs, leaves, seeds, create_graph=True, allow_unused=True)
        for k, (a, r) in enumerate(zip(arrays, recorded)):
            assert (a is None) == (r is None), (
                f"{_label(info, sample)}: input {k} gets a gradient on one path only")
            if a is None:
                continue
            assert r.dtype == a.dtype and r.shape == a.shape, (
                f"{_label(info, sample)}: input {k}'s vjp gradient is {r.dtype} {r.shape}, the "
                f"backward's {a.dtype} {a.shape}")
            np.testing.assert_allclose(
                r.data, a.data, rtol=rtol, atol=atol,
                err_msg=f"{_label(info, sample)}: input {k}: vjp and backward disagree")


def check_forward_reference(info: OpInfo, dtype):
    """Forward equals the numpy reference computed on the same values in the same dtype."""
    rtol, atol = (info.float32_tol, info.float32_tol) if dtype == np.float32 else (1e-10, 1e-12)
    for sample in info.samples():
        args, kwargs, _ = materialize(sample, dtype)
        got = _outputs(_call(info, args, kwargs))
        ref_args = tuple(_to_array(a, dtype) for a in sample.args)
        if info.random:
            al_random.manual_seed(0)  # the reference draws the same seed as the op did
        expected = _outputs(info.ref(*ref_args, **kwargs))
        assert len(got) == len(expected), (
            f"{_label(info, sample)}: {len(got)} outputs, the reference gives {len(expected)}")
        for k, (g, e) in enumerate(zip(got, expected)):
            e = np.asarray(e)
            assert g.shape == e.shape, (
                f"{_label(info, sample)} output {k}: shape {g.shape}, reference {e.shape}")
            assert g.dtype == e.dtype, (
                f"{_label(info, sample)} output {k}: dtype {g.dtype}, reference {e.dtype}")
            np.testing.assert_allclose(g.data, e, rtol=rtol, atol=atol,
                                       err_msg=f"{_label(info, sample)} output {k} ({np.dtype(dtype)})")


def check_grad_shape_and_dtype(info: OpInfo, dtype):
    """Every leaf's gradient has exactly its shape and dtype."""
    rng = np.random.default_rng(1)
    for sample in info.samples():
        args, kwargs, leaves = materialize(sample, dtype)
        outs = [o for o in _outputs(_call(info, args, kwargs)) if o.requires_grad]
        if not outs:
            continue
        for o in outs:
            o.backward(rng.normal(size=o.shape).astype(o.dtype), retain_graph=True)
        for k, leaf in enumerate(leaves):
            assert leaf.grad is not None, f"{_label(info, sample)}: input {k} got no gradient"
            assert leaf.grad.shape == leaf.shape, (
                f"{_label(info, sample)}: gradient of input {k} has shape {leaf.grad.shape}, the "
                f"input has {leaf.shape}")
            assert leaf.grad.dtype == leaf.dtype, (
                f"{_label(info, sample)}: gradient of input {k} is {leaf.grad.dtype}, the input is "
                f"{leaf.dtype}")


def check_backward_repeatable(info: OpInfo):
    """Two backward passes over one retained graph give bit-identical gradients."""
    for sample in info.samples():
        args, kwargs, leaves = materialize(sample, np.float64)
        outs = [o for o in _outputs(_call(info, args, kwargs)) if o.requires_grad]
        if not outs:
            continue
        grads = [np.linspace(-1, 1, o.data.size).reshape(o.shape) for o in outs]
        passes = []
        for _ in range(2):
            for leaf in leaves:
                leaf.grad = None
            for o, g in zip(outs, grads):
                o.backward(g, retain_graph=True)
            passes.append([leaf.grad.data.copy() for leaf in leaves])
        for k, (first, second) in enumerate(zip(*passes)):
            assert np.array_equal(first, second), (
                f"{_label(info, sample)}: input {k}'s gradient differs between two backward passes")


CHECKS = {
    "gradcheck": lambda info, dtype: check_gradcheck(info),
    "gradgradcheck": lambda info, dtype: check_gradgradcheck(info),
    "vjp_matches_backward": check_vjp_matches_backward,
    "forward_reference": check_forward_reference,
    "grad_shape_and_dtype": check_grad_shape_and_dtype,
    "backward_repeatable": lambda info, dtype: check_backward_repeatable(info),
}
_PER_DTYPE = {"forward_reference", "grad_shape_and_dtype", "vjp_matches_backward"}


def run_check(info: OpInfo, check: str, dtype=np.float64):
    """Run one standard check (a name from ``op_tests``' list) of ``info`` in ``dtype``;
    raises ``AssertionError`` with the explanation when it fails and ``pytest.skip`` when the
    entry skips it.
    """
    reason = _skip_reason(info, check)
    if reason:
        if pytest is not None:
            pytest.skip(f"{info.name}: {reason}")
        return
    CHECKS[check](info, dtype)


def _cases(infos):
    for info in infos:
        for check in CHECKS:
            dtypes = [d for d in info.dtypes] if check in _PER_DTYPE else [info.dtypes[-1]]
            for dtype in dtypes:
                yield info, check, dtype


def op_tests(*infos):
    """A parametrized pytest test function running every check on each op (one test per op,
    check and dtype). Pass OpInfos (they are registered too) or nothing for the whole registry."""
    for info in infos:
        if info not in registered_ops():
            register_op(info)
    chosen = list(infos) or registered_ops()
    cases = list(_cases(chosen))
    ids = [f"{info.name}-{check}-{np.dtype(dtype).name}" for info, check, dtype in cases]

    @pytest.mark.parametrize("info,check,dtype", cases, ids=ids)
    def test_op(info, check, dtype):
        run_check(info, check, dtype)

    return test_op


# ---- pytest plugin ----------------------------------------------------------------------------
if pytest is not None:
    @pytest.fixture
    def gradcheck():
        """``gradcheck(fn, inputs, **tolerances)``: asserts, with autograd_lite's explanation
        (input, worst element, analytic and numeric values, relative error) on failure."""
        def check(fn, inputs, **kwargs):
            kwargs.pop("raise_exception", None)
            return _gradcheck(fn, inputs, raise_exception=True, **kwargs)
        return check
