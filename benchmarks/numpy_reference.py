"""The benchmark models written by hand in numpy: forward, backward and update spelled out.

This is what a learner who took the course would write without a framework: each layer's
forward caches what its backward needs, the backward is the chain rule written out, and the
optimizer updates the arrays in place. ``benchmarks/bench_e2e.py`` times it against
autograd_lite and PyTorch; ``tests/bench/test_bench_numpy_reference.py`` checks that one step
gives the same gradients as autograd_lite (float64, 1e-10).

A model is a list of layer specs (the same order as an ``al.nn.Sequential``):

    ("linear", n_in, n_out) | ("bn", n) | ("relu",) | ("tanh",) | ("sigmoid",) | ("dropout", p)

with parameters named as autograd_lite's ``state_dict`` names them (``"0.weight"`` of shape
(out, in), ``"0.bias"``, ``"1.weight"`` for BatchNorm's γ, ``"1.bias"`` for β, and the
running statistics ``"1.running_mean"``/``"1.running_var"``), so parameters copy across.
"""
import math

import numpy as np

#: the workloads' architectures
MLP_SPEC = [("linear", 784, 1024), ("bn", 1024), ("relu",), ("dropout", 0.2),
            ("linear", 1024, 1024), ("bn", 1024), ("relu",), ("dropout", 0.2),
            ("linear", 1024, 10)]
TINY_SPEC = [("linear", 2, 16), ("tanh",), ("linear", 16, 16), ("tanh",), ("linear", 16, 1),
             ("sigmoid",)]
DIGITS_SPEC = [("linear", 64, 128), ("bn", 128), ("relu",), ("dropout", 0.1),
               ("linear", 128, 64), ("bn", 64), ("relu",), ("dropout", 0.1),
               ("linear", 64, 10)]


def init_params(spec, rng, dtype=np.float32):
    """PyTorch's default initialisation: U(−1/√in, 1/√in) for Linear weight and bias; BatchNorm
    γ = 1, β = 0, running mean 0 and variance 1."""
    params, buffers = {}, {}
    for i, layer in enumerate(spec):
        if layer[0] == "linear":
            _, n_in, n_out = layer
            bound = 1.0 / math.sqrt(n_in)
            params[f"{i}.weight"] = rng.uniform(-bound, bound, (n_out, n_in)).astype(dtype)
            params[f"{i}.bias"] = rng.uniform(-bound, bound, n_out).astype(dtype)
        elif layer[0] == "bn":
            n = layer[1]
            params[f"{i}.weight"] = np.ones(n, dtype)
            params[f"{i}.bias"] = np.zeros(n, dtype)
            buffers[f"{i}.running_mean"] = np.zeros(n, dtype)
            buffers[f"{i}.running_var"] = np.ones(n, dtype)
    return params, buffers


class NumpyMLP:
    """A feed-forward model from ``spec``: ``loss_and_grads(x, y)`` runs forward and backward
    and returns (loss, {name: gradient}); ``masks`` (one per dropout layer, already scaled by
    1/keep) replace the masks it would draw from ``rng``."""

    def __init__(self, spec, params, buffers=None, loss="cross_entropy", rng=None,
                 bn_eps=1e-5, bn_momentum=0.1):
        self.spec = spec
        self.params = params
        self.buffers = {} if buffers is None else buffers
        self.loss = loss
        self.rng = np.random.default_rng(0) if rng is None else rng
        self.eps = bn_eps
        self.momentum = bn_momentum
        self.training = True

    # ---- forward --------------------------------------------------------------------------
    def forward(self, x, masks=None):
        """The network's output (logits or probabilities) and the cache backward reads."""
        cache = []
        masks = list(masks) if masks is not None else None
        p = self.params
        a = x
        for i, layer in enumerate(self.spec):
            kind = layer[0]
            if kind == "linear":
                cache.append(a)
                a = a @ p[f"{i}.weight"].T + p[f"{i}.bias"]
            elif kind == "bn":
                if self.training:
                    mu = a.mean(axis=0)
                    centred = a - mu
                    var = (centred * centred).mean(axis=0)
                    invstd = 1.0 / np.sqrt(var + self.eps)
                    xhat = centred * invstd
                    n = a.shape[0]
                    m = self.momentum
                    rm, rv = self.buffers[f"{i}.running_mean"], self.buffers[f"{i}.running_var"]
                    rm *= 1.0 - m
                    rm += m * mu
                    rv *= 1.0 - m
                    rv += m * var * (n / (n - 1))
                else:
                    invstd = 1.0 / np.sqrt(self.buffers[f"{i}.running_var"] + self.eps)
                    xhat = (a - self.buffers[f"{i}.running_mean"]) * invstd
                cache.append((xhat, invstd))
                a = xhat * p[f"{i}.weight"] + p[f"{i}.bias"]
            elif kind == "relu":
                a = np.maximum(a, 0)
                cache.append(a)
            elif kind == "tanh":
                a = np.tanh(a)
                cache.append(a)
            elif kind == "sigmoid":
                a = 1.0 / (1.0 + np.exp(-a))
                cache.append(a)
            elif kind == "dropout":
                if not self.training:
                    cache.append(None)
                    continue
                keep = 1.0 - layer[1]
                if masks is not None:
                    mask = masks.pop(0)
                else:
                    mask = (self.rng.random(a.shape, dtype=np.float32) < keep).astype(a.dtype)
                    mask *= a.dtype.type(1.0 / keep)
                a = a * mask
                cache.append(mask)
            else:
                raise ValueError(f"unknown layer {layer!r}")
        return a, cache

    # ---- loss -----------------------------------------------------------------------------
    def loss_forward_backward(self, out, y):
        """The mean loss and its gradient with respect to ``out``."""
        n = out.shape[0]
        if self.loss == "cross_entropy":
            shifted = out - out.max(axis=1, keepdims=True)
            e = np.exp(shifted)
            s = e.sum(axis=1, keepdims=True)
            logp = shifted - np.log(s)
            loss = -logp[np.arange(n), y].mean()
            dout = e / s
            dout[np.arange(n), y] -= 1.0
            dout /= n
            return loss, dout
        # binary cross-entropy on probabilities (the course's cost), logs clamped at -100
        yv = y.reshape(out.shape).astype(out.dtype)
        with np.errstate(divide="ignore"):
            loss = -(yv * np.maximum(np.log(out), -100.0)
                     + (1 - yv) * np.maximum(np.log1p(-out), -100.0)).mean()
        dout = (out - yv) / np.maximum(out * (1 - out), 1e-12) / out.size
        return loss, dout.astype(out.dtype, copy=False)

    # ---- backward -------------------------------------------------------------------------
    def backward(self, dout, cache):
        grads = {}
        p = self.params
        d = dout
        for i in range(len(self.spec) - 1, -1, -1):
            kind = self.spec[i][0]
            saved = cache[i]
            if kind == "linear":
                grads[f"{i}.weight"] = d.T @ saved
                grads[f"{i}.bias"] = d.sum(axis=0)
                if i > 0:
                    d = d @ p[f"{i}.weight"]
            elif kind == "bn":
                xhat, invstd = saved
                grads[f"{i}.bias"] = d.sum(axis=0)
                grads[f"{i}.weight"] = (d * xhat).sum(axis=0)
                dy = d * p[f"{i}.weight"]
                d = invstd * (dy - dy.mean(axis=0) - xhat * (dy * xhat).mean(axis=0))
            elif kind == "relu":
                d = d * (saved > 0)
            elif kind == "tanh":
                d = d * (1 - saved * saved)
            elif kind == "sigmoid":
                d = d * saved * (1 - saved)
            elif kind == "dropout":
                if saved is not None:
                    d = d * saved
        return grads

    def loss_and_grads(self, x, y, masks=None):
        out, cache = self.forward(x, masks)
        loss, dout = self.loss_forward_backward(out, y)
        return loss, self.backward(dout, cache)

    def predict(self, x):
        training, self.training = self.training, False
        out, _ = self.forward(x)
        self.training = training
        return out


class NumpyAdam:
    """The course's Adam with coupled L2 (``g = dW + wd·W``), in place on the arrays."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        self.params = params
        self.lr, (self.b1, self.b2), self.eps, self.wd = lr, betas, eps, weight_decay
        self.v = {k: np.zeros_like(w) for k, w in params.items()}
        self.s = {k: np.zeros_like(w) for k, w in params.items()}
        self.t = 0

    def step(self, grads):
        self.t += 1
        c1 = 1.0 - self.b1 ** self.t
        c2 = 1.0 - self.b2 ** self.t
        for k, w in self.params.items():
            g = grads[k]
            if self.wd:
                g = g + self.wd * w
            v, s = self.v[k], self.s[k]
            v *= self.b1
            v += (1 - self.b1) * g
            s *= self.b2
            s += (1 - self.b2) * (g * g)
            w -= (self.lr / c1) * v / (np.sqrt(s / c2) + self.eps)


class NumpySGD:
    """Gradient descent with PyTorch's momentum ``v = μv + dW``, ``W -= lr·v``."""

    def __init__(self, params, lr=0.1, momentum=0.9):
        self.params = params
        self.lr, self.momentum = lr, momentum
        self.v = {k: np.zeros_like(w) for k, w in params.items()}

    def step(self, grads):
        for k, w in self.params.items():
            v = self.v[k]
            v *= self.momentum
            v += grads[k]
            w -= self.lr * v


# ---- W-gradcheck by hand ------------------------------------------------------------------------
def gradcheck_by_hand(x, w1, w2, eps=1e-6, atol=1e-5, rtol=1e-3):
    """f = Σ tanh(x W1) W2: its analytic gradients by hand, then central differences for every
    element of x, W1 and W2, compared elementwise. Returns True when all agree."""
    def f(x, w1, w2):
        return float(np.sum(np.tanh(x @ w1) @ w2))

    h = np.tanh(x @ w1)
    dh = np.ones((x.shape[0], w2.shape[1])) @ w2.T
    dz = dh * (1 - h * h)
    analytic = [dz @ w1.T, x.T @ dz, h.T @ np.ones((x.shape[0], w2.shape[1]))]
    arrays = [x, w1, w2]
    ok = True
    for array, g in zip(arrays, analytic):
        numeric = np.zeros_like(array)
        flat = array.reshape(-1)
        num_flat = numeric.reshape(-1)
        for j in range(flat.size):
            original = flat[j]
            flat[j] = original + eps
            plus = f(*arrays)
            flat[j] = original - eps
            minus = f(*arrays)
            flat[j] = original
            num_flat[j] = (plus - minus) / (2 * eps)
        ok &= bool(np.all(np.abs(g - numeric) <= atol + rtol * np.abs(numeric)))
    return ok
