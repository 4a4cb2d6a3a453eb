"""The Tensor methods that mirror a function of ``autograd_lite.ops`` (``t.sum(1)`` calls
``ops.sum(t, 1)``): one line each, PyTorch's names and arguments, in one mixin that ``Tensor``
inherits (``tensor.py`` holds the rest of the class).

``ops`` is bound by ``tensor.py`` once the ops exist (they need Tensor first). ``OpMethods``
has no instance state: ``__slots__ = ()`` keeps Tensor free of a ``__dict__``.
"""

ops = None  # autograd_lite.ops, bound by tensor.py after the class exists


class OpMethods:
    __slots__ = ()

    # ---- methods that mirror the functions in ops -------------------------------------------
    # ``axis=`` is PyTorch's alias of ``dim`` (ops._dims.dim_or_axis); keyword-only, as there
    def sum(self, dim=None, keepdim=False, *, axis=None, dtype=None):
        if axis is None and dtype is None:  # loss.sum(): no keywords to pass on
            return ops.sum(self, dim, keepdim)
        return ops.sum(self, dim, keepdim, axis=axis, dtype=dtype)

    def mean(self, dim=None, keepdim=False, *, axis=None, dtype=None):
        return ops.mean(self, dim, keepdim, axis=axis, dtype=dtype)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None):
        return ops.var(self, dim, unbiased, keepdim, correction=correction, axis=axis)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None):
        return ops.std(self, dim, unbiased, keepdim, correction=correction, axis=axis)

    def max(self, dim=None, keepdim=False, *, axis=None):
        return ops.max(self, dim, keepdim, axis=axis)

    def min(self, dim=None, keepdim=False, *, axis=None):
        return ops.min(self, dim, keepdim, axis=axis)

    def argmax(self, dim=None, keepdim=False, *, axis=None):
        return ops.argmax(self, dim, keepdim, axis=axis)

    def argmin(self, dim=None, keepdim=False, *, axis=None):
        return ops.argmin(self, dim, keepdim, axis=axis)

    def logsumexp(self, dim=None, keepdim=False, *, axis=None):
        return ops.logsumexp(self, dim, keepdim, axis=axis)

    def softmax(self, dim=None, *, axis=None, dtype=None):
        return ops.softmax(self, dim, axis=axis, dtype=dtype)

    def log_softmax(self, dim=None, *, axis=None, dtype=None):
        return ops.log_softmax(self, dim, axis=axis, dtype=dtype)

    def exp(self):
        return ops.exp(self)

    def log(self):
        return ops.log(self)

    def sqrt(self):
        return ops.sqrt(self)

    def abs(self):
        return ops.abs(self)

    def pow(self, exponent):
        return ops.pow(self, exponent)

    def clamp(self, min=None, max=None):
        return ops.clamp(self, min, max)

    clip = clamp

    def maximum(self, other):
        return ops.maximum(self, other)

    def minimum(self, other):
        return ops.minimum(self, other)

    def relu(self):
        return ops.relu(self)

    def sigmoid(self):
        return ops.sigmoid(self)

    def tanh(self):
        return ops.tanh(self)

    def matmul(self, other):
        return ops.matmul(self, other)

    def reshape(self, *shape):
        return ops.reshape(self, *shape)

    view = reshape

    def flatten(self, start_dim=0, end_dim=-1):
        return ops.flatten(self, start_dim, end_dim)

    def transpose(self, dim0, dim1):
        return ops.transpose(self, dim0, dim1)

    def permute(self, *dims):
        return ops.permute(self, *dims)

    def squeeze(self, dim=None, *, axis=None):
        return ops.squeeze(self, dim, axis=axis)

    def unsqueeze(self, dim=None, *, axis=None):
        return ops.unsqueeze(self, dim, axis=axis)

    def expand(self, *sizes):
        return ops.expand(self, *sizes)

    def broadcast_to(self, shape):
        return ops.broadcast_to(self, shape)

    def split(self, split_size_or_sections, dim=0, *, axis=None):
        return ops.split(self, split_size_or_sections, dim, axis=axis)

    def chunk(self, chunks, dim=0, *, axis=None):
        return ops.chunk(self, chunks, dim, axis=axis)

    def where(self, condition, other):
        return ops.where(condition, self, other)

    # ---- elementwise math (ops/elementwise_math.py): one-line methods calling the functions ----
    def sin(self):
        return ops.sin(self)

    def cos(self):
        return ops.cos(self)

    def tan(self):
        return ops.tan(self)

    def asin(self):
        return ops.asin(self)

    def acos(self):
        return ops.acos(self)

    def atan(self):
        return ops.atan(self)

    def sinh(self):
        return ops.sinh(self)

    def cosh(self):
        return ops.cosh(self)

    def erf(self):
        return ops.erf(self)

    def exp2(self):
        return ops.exp2(self)

    def expm1(self):
        return ops.expm1(self)

    def log2(self):
        return ops.log2(self)

    def log10(self):
        return ops.log10(self)

    def log1p(self):
        return ops.log1p(self)

    def reciprocal(self):
        return ops.reciprocal(self)

    def rsqrt(self):
        return ops.rsqrt(self)

    def square(self):
        return ops.square(self)

    def sign(self):
        return ops.sign(self)

    def floor(self):
        return ops.floor(self)

    def ceil(self):
        return ops.ceil(self)

    def trunc(self):
        return ops.trunc(self)

    def frac(self):
        return ops.frac(self)

    def isnan(self):
        return ops.isnan(self)

    def isinf(self):
        return ops.isinf(self)

    def isfinite(self):
        return ops.isfinite(self)

    def round(self, *, decimals=0):
        return ops.round(self, decimals=decimals)

    def atan2(self, other):
        return ops.atan2(self, other)

    def fmod(self, other):
        return ops.fmod(self, other)

    def remainder(self, other):
        return ops.remainder(self, other)

    def floor_divide(self, other):
        return ops.floor_divide(self, other)

    def lerp(self, end, weight):
        return ops.lerp(self, end, weight)

    def logaddexp(self, other):
        return ops.logaddexp(self, other)

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        return ops.nan_to_num(self, nan, posinf, neginf)

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return ops.isclose(self, other, rtol, atol, equal_nan)

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return ops.allclose(self, other, rtol, atol, equal_nan)

    def add(self, other, *, alpha=1):
        return ops.add(self, other, alpha=alpha)

    def sub(self, other, *, alpha=1):
        return ops.sub(self, other, alpha=alpha)

    def mul(self, other):
        return ops.mul(self, other)

    def div(self, other, *, rounding_mode=None):
        return ops.div(self, other, rounding_mode=rounding_mode)

    arcsin, arccos, arctan, arctan2, fix = asin, acos, atan, atan2, trunc
    subtract, multiply, divide, true_divide = sub, mul, div, div

    def __mod__(self, other):
        return ops.remainder(self, other)

    def __rmod__(self, other):
        return ops.remainder(other, self)

    def __floordiv__(self, other):
        return ops.floor_divide(self, other)

    def __rfloordiv__(self, other):
        return ops.floor_divide(other, self)

    # ---- reductions, scans and products (ops/reductions_more.py, scans.py, products.py) ----
    def prod(self, dim=None, keepdim=False, *, dtype=None, axis=None):
        return ops.prod(self, dim, keepdim, dtype=dtype, axis=axis)

    def all(self, dim=None, keepdim=False, *, axis=None):
        return ops.all(self, dim, keepdim, axis=axis)

    def any(self, dim=None, keepdim=False, *, axis=None):
        return ops.any(self, dim, keepdim, axis=axis)

    def amax(self, dim=(), keepdim=False, *, axis=None):
        return ops.amax(self, dim, keepdim, axis=axis)

    def amin(self, dim=(), keepdim=False, *, axis=None):
        return ops.amin(self, dim, keepdim, axis=axis)

    def count_nonzero(self, dim=None, *, axis=None):
        return ops.count_nonzero(self, dim, axis=axis)

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None, *, axis=None):
        return ops.norm(self, p, dim, keepdim, dtype, axis=axis)

    def cumsum(self, dim=None, *, dtype=None, axis=None):
        return ops.cumsum(self, dim, dtype=dtype, axis=axis)

    def cumprod(self, dim=None, *, dtype=None, axis=None):
        return ops.cumprod(self, dim, dtype=dtype, axis=axis)

    def cummax(self, dim=None, *, axis=None):
        return ops.cummax(self, dim, axis=axis)

    def cummin(self, dim=None, *, axis=None):
        return ops.cummin(self, dim, axis=axis)

    def logcumsumexp(self, dim=None, *, axis=None):
        return ops.logcumsumexp(self, dim, axis=axis)

    def mm(self, mat2):
        return ops.mm(self, mat2)

    def bmm(self, mat2):
        return ops.bmm(self, mat2)

    def mv(self, vec):
        return ops.mv(self, vec)

    def dot(self, other):
        return ops.dot(self, other)

    def vdot(self, other):
        return ops.vdot(self, other)

    def inner(self, other):
        return ops.inner(self, other)

    def outer(self, vec2):
        return ops.outer(self, vec2)

    ger = outer

    def addmm(self, mat1, mat2, *, beta=1, alpha=1):
        return ops.addmm(self, mat1, mat2, beta=beta, alpha=alpha)
    # ---- indexing and shape, sorting (ops/gather_scatter.py, rearrange.py, sorting.py) -------
    def gather(self, dim, index, **kwargs):
        return ops.gather(self, dim, index, **kwargs)

    def scatter(self, dim, index, src=None, **kwargs):
        return ops.scatter(self, dim, index, src, **kwargs)

    def scatter_add(self, dim, index, src):
        return ops.scatter_add(self, dim, index, src)

    def index_select(self, dim, index):
        return ops.index_select(self, dim, index)

    def masked_fill(self, mask, value):
        return ops.masked_fill(self, mask, value)

    def masked_select(self, mask):
        return ops.masked_select(self, mask)

    def take_along_dim(self, indices, dim=None, **kwargs):
        return ops.take_along_dim(self, indices, dim, **kwargs)

    def nonzero(self, *, as_tuple=False):
        return ops.nonzero(self, as_tuple=as_tuple)

    def narrow(self, dim, start, length):
        return ops.narrow(self, dim, start, length)

    def unbind(self, dim=0):
        return ops.unbind(self, dim)

    def tril(self, diagonal=0):
        return ops.tril(self, diagonal)

    def triu(self, diagonal=0):
        return ops.triu(self, diagonal)

    def diag(self, diagonal=0):
        return ops.diag(self, diagonal)

    def diagonal(self, offset=0, dim1=0, dim2=1):
        return ops.diagonal(self, offset, dim1, dim2)

    def flip(self, *dims):
        return ops.flip(self, *dims)

    def roll(self, shifts, dims=None):
        return ops.roll(self, shifts, dims)

    def repeat(self, *sizes):
        return ops.repeat(self, *sizes)

    def tile(self, *dims):
        return ops.tile(self, dims[0] if len(dims) == 1 and not isinstance(dims[0], int) else dims)

    def repeat_interleave(self, repeats, dim=None, **kwargs):
        return ops.repeat_interleave(self, repeats, dim, **kwargs)

    def movedim(self, source, destination):
        return ops.movedim(self, source, destination)

    moveaxis = movedim

    def swapaxes(self, axis0, axis1):
        return ops.swapaxes(self, axis0, axis1)

    def swapdims(self, dim0, dim1):
        return ops.swapdims(self, dim0, dim1)

    def unflatten(self, dim, sizes):
        return ops.unflatten(self, dim, sizes)

    def t(self):
        return ops.t(self)

    def sort(self, dim=-1, descending=False, stable=False, **kwargs):
        return ops.sort(self, dim, descending, stable, **kwargs)

    def argsort(self, dim=-1, descending=False, stable=False, **kwargs):
        return ops.argsort(self, dim, descending, stable, **kwargs)

    def topk(self, k, dim=-1, largest=True, sorted=True, **kwargs):  # noqa: A002
        return ops.topk(self, k, dim, largest, sorted, **kwargs)

    def masked_fill_(self, mask, value):
        return ops.masked_fill_(self, mask, value)

    def uniform_(self, a=0.0, b=1.0, *, generator=None):
        return ops.uniform_(self, a, b, generator=generator)

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        return ops.normal_(self, mean, std, generator=generator)
