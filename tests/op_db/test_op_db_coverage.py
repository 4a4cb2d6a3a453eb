"""No differentiable op without a registry entry, and every public name in docs/api/ exists."""
import numpy as np

import autograd_lite as al
from autograd_lite.autograd import Function
from autograd_lite.testing import materialize, registered_ops

# docs/api/ops.md: the functions and methods (each both t.f and al.f where PyTorch has both)
API_TENSOR_OPS = """sum mean var std max min argmax argmin exp log sqrt pow abs clamp clip maximum minimum
where relu sigmoid tensor tanh softmax log_softmax logsumexp matmul reshape view flatten transpose
permute squeeze unsqueeze expand broadcast_to cat stack split chunk""".split()
# API.md, "Tensors, second edition", Pointwise (function and method each)
API_POINTWISE_OPS = """sin cos tan asin acos atan atan2 sinh cosh erf exp2 expm1 log2 log10 log1p
reciprocal rsqrt square sign floor ceil round trunc frac fmod remainder floor_divide lerp logaddexp
nan_to_num isnan isinf isfinite isclose allclose mul add sub div""".split()
# API.md, "Tensors, second edition", Indexing and shape
API_INDEXING_OPS = """gather scatter scatter_add index_select masked_fill masked_select
take_along_dim nonzero narrow unbind tril triu diag diagonal flip roll repeat tile repeat_interleave
movedim swapaxes unflatten meshgrid sort argsort topk t""".split()
API_TENSOR_OPS += API_POINTWISE_OPS + API_INDEXING_OPS
METHOD_ONLY = {"expand"}
FUNCTION_ONLY = {"cat", "stack", "tensor", "meshgrid"}
NOT_DIFFERENTIABLE = {"argmax", "argmin", "tensor", "isnan", "isinf", "isfinite", "isclose",
                      "allclose", "nonzero", "argsort"}
API_NAMES = """Tensor tensor from_numpy zeros ones empty full zeros_like ones_like arange eye rand randn
manual_seed float32 float64 int64 bool set_default_dtype no_grad enable_grad is_grad_enabled
gradcheck gradcheck_report gradgradcheck GradcheckError set_num_threads get_num_threads""".split()
TENSOR_ATTRIBUTES = """shape ndim dtype size numel requires_grad grad is_leaf T numpy item tolist
detach clone astype to float double requires_grad_ backward __array__""".split()
OPERATORS = """__add__ __sub__ __mul__ __truediv__ __pow__ __matmul__ __neg__ __abs__ __getitem__
__mod__ __rmod__ __floordiv__ __rfloordiv__""".split()


def _builtin_functions():
    found, stack = set(), list(Function.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("autograd_lite.") and "forward" in vars(cls):
            found.add(cls)  # ops, not the NumpyFunction base
    return found


def _functions_recorded(out):
    seen, stack = set(), [o._node for o in (out if isinstance(out, (tuple, list)) else [out])
                          if isinstance(o, al.Tensor) and o._node is not None]
    while stack:
        node = stack.pop()
        seen.add(node.fn)
        stack.extend(e[0] for e in node.edges if e is not None and e[1] is not None)
    return seen


def test_every_builtin_function_is_exercised_by_a_registry_entry():
    """Forward graphs, and the recorded backward graphs (create_graph) of the same samples:
    ops that exist only as another op's derivative (IndexBackward) are covered there."""
    covered = set()
    for info in registered_ops():
        for sample in info.samples():
            args, kwargs, leaves = materialize(sample, info.dtypes[0])
            if info.random:
                al.manual_seed(0)
            out = info.op(*args, **kwargs)
            covered |= _functions_recorded(out)
            outs = [o for o in (out if isinstance(out, (tuple, list)) else [out])
                    if isinstance(o, al.Tensor) and o.requires_grad]
            if outs and leaves:
                seeds = [al.tensor(np.ones(o.shape, o.dtype), requires_grad=True) for o in outs]
                grads = al.autograd.grad(outs, leaves, seeds, create_graph=True, allow_unused=True)
                covered |= _functions_recorded([g for g in grads if g is not None])
    missing = sorted(cls.__qualname__ for cls in _builtin_functions() - covered)
    assert not missing, f"differentiable ops without a registry entry: {missing}"


def test_every_api_op_has_a_registry_entry_or_alias():
    names = set()
    for info in registered_ops():
        names.add(info.name)
        names.update(info.aliases)
    missing = [n for n in API_TENSOR_OPS if n not in names and n not in NOT_DIFFERENTIABLE]
    assert not missing, f"API ops missing from the registry: {missing}"


def test_every_api_name_exists_as_function_and_method():
    t = al.ones(2, 2)
    missing = [n for n in API_TENSOR_OPS if n not in METHOD_ONLY and not hasattr(al, n)]
    missing += [f"Tensor.{n}" for n in API_TENSOR_OPS if n not in FUNCTION_ONLY and not hasattr(t, n)]
    missing += [n for n in API_NAMES if not hasattr(al, n)]
    missing += [f"Tensor.{n}" for n in TENSOR_ATTRIBUTES + OPERATORS if not hasattr(t, n)]
    missing += [f"autograd.{n}" for n in ("grad", "Function", "detect_anomaly", "backward")
                if not hasattr(al.autograd, n)]
    assert not missing, f"public names missing: {missing}"


def test_functions_and_methods_agree():
    x = al.tensor(np.arange(6.0).reshape(2, 3))
    assert np.array_equal(al.sum(x, 1)._data, x.sum(1)._data)
    assert np.array_equal(al.softmax(x, 0)._data, x.softmax(0)._data)
    assert np.array_equal(al.clip(x, 1, 2)._data, x.clamp(1, 2)._data)
