"""The second-edition layers (issue 12) without PyTorch: default initialisation and
state_dict keys, padding_idx, one_hot, Unflatten, attention masks and dropout, dtypes, and the
errors bad input gets. Values and gradients against formulas are in the op registry
(autograd_lite/op_db/nn_layer_ops.py); against PyTorch in test_torch_crosscheck_second_edition."""
import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import nn
from autograd_lite.nn import functional as F

RNG = np.random.default_rng(3)


# ---- initialisation and parameters --------------------------------------------------------
def test_layernorm_defaults_and_state_dict():
    m = nn.LayerNorm((3, 4))
    assert m.normalized_shape == (3, 4) and m.eps == 1e-5
    assert sorted(m.state_dict()) == ["bias", "weight"]
    assert np.array_equal(m.weight.data, np.ones((3, 4))) and not m.bias.data.any()
    assert m.weight.dtype == np.float32
    assert nn.LayerNorm(5).normalized_shape == (5,)
    assert list(nn.LayerNorm(5, bias=False).state_dict()) == ["weight"]
    assert list(nn.LayerNorm(5, elementwise_affine=False).state_dict()) == []


def test_layernorm_output_has_zero_mean_unit_variance_per_sample():
    x = al.tensor(RNG.standard_normal((4, 6)) * 5 + 3)
    y = nn.LayerNorm(6).double()(x).data
    np.testing.assert_allclose(y.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=1), 1, rtol=1e-4)


def test_groupnorm_defaults_and_state_dict():
    m = nn.GroupNorm(2, 6)
    assert sorted(m.state_dict()) == ["bias", "weight"]
    assert m.weight.shape == (6,) and np.all(m.weight.data == 1) and not m.bias.data.any()
    assert list(nn.GroupNorm(2, 6, affine=False).state_dict()) == []


def test_embedding_init_is_standard_normal_with_padding_row_zeroed():
    al.manual_seed(0)
    m = nn.Embedding(2000, 50, padding_idx=3)
    w = m.weight.data
    assert list(m.state_dict()) == ["weight"] and w.shape == (2000, 50)
    assert not w[3].any()
    rest = np.delete(w, 3, axis=0)
    assert abs(rest.mean()) < 0.01 and abs(rest.std() - 1) < 0.01
    al.manual_seed(0)
    assert np.array_equal(nn.Embedding(2000, 50, padding_idx=3).weight.data, w)
    assert nn.Embedding(5, 2, padding_idx=-1).padding_idx == 4


def test_embedding_from_pretrained_freezes_by_default():
    table = np.arange(6.0).reshape(3, 2)
    m = nn.Embedding.from_pretrained(al.tensor(table))
    assert not m.weight.requires_grad
    np.testing.assert_array_equal(m(al.tensor(np.array([2, 0]))).data, table[[2, 0]])
    assert nn.Embedding.from_pretrained(al.tensor(table), freeze=False).weight.requires_grad


# ---- embedding gradients ------------------------------------------------------------------
def test_padding_idx_gets_no_gradient_and_other_rows_accumulate():
    weight = al.tensor(RNG.standard_normal((5, 3)), requires_grad=True)
    idx = al.tensor(np.array([[0, 2, 2], [4, 0, 2]]))
    out = F.embedding(idx, weight, padding_idx=2)
    np.testing.assert_array_equal(out.data[0, 1], weight.data[2])  # the value is still read
    seed = RNG.standard_normal((2, 3, 3))
    out.backward(seed)
    expected = np.zeros((5, 3))
    for pos, row in np.ndenumerate(idx.data):
        if row != 2:
            expected[row] += seed[pos]
    np.testing.assert_allclose(weight.grad.data, expected)
    assert not weight.grad.data[2].any()


def test_embedding_module_padding_row_gets_no_gradient_in_training():
    m = nn.Embedding(4, 2, padding_idx=0)
    loss = (m(al.tensor(np.array([0, 1, 0, 3]))) ** 2).sum()
    loss.backward()
    assert not m.weight.grad.data[0].any() and m.weight.grad.data[1].any()


# ---- one_hot and Unflatten ----------------------------------------------------------------
def test_one_hot():
    out = F.one_hot(al.tensor(np.array([[0, 2], [1, 0]])))
    assert out.dtype == np.int64 and out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out.data[0, 1], [0, 0, 1])
    assert F.one_hot(al.tensor(np.array([1])), num_classes=4).shape == (1, 4)


def test_unflatten_inverts_flatten():
    x = al.tensor(RNG.standard_normal((2, 3, 4)), requires_grad=True)
    flat = nn.Flatten()(x)
    back = nn.Unflatten(1, (3, 4))(flat)
    assert back.shape == (2, 3, 4)
    np.testing.assert_array_equal(back.data, x.data)
    assert nn.Unflatten(-1, (-1, 2))(flat).shape == (2, 6, 2)
    back.sum().backward()
    assert np.all(x.grad.data == 1)


# ---- attention ----------------------------------------------------------------------------
def test_sdpa_bool_and_float_masks_agree():
    q, k, v = (al.tensor(RNG.standard_normal(s)) for s in [(2, 3, 4), (2, 5, 4), (2, 5, 2)])
    mask = RNG.random((3, 5)) > 0.5
    mask[:, 0] = True
    bias = np.where(mask, 0.0, -np.inf)
    a = F.scaled_dot_product_attention(q, k, v, al.tensor(mask))
    b = F.scaled_dot_product_attention(q, k, v, al.tensor(bias))
    np.testing.assert_allclose(a.data, b.data, rtol=1e-12)


def test_sdpa_causal_first_query_sees_only_first_key():
    q, k, v = (al.tensor(RNG.standard_normal(s)) for s in [(1, 3, 4), (1, 3, 4), (1, 3, 2)])
    out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    np.testing.assert_allclose(out.data[0, 0], v.data[0, 0], rtol=1e-12)


def test_sdpa_dropout_repeats_under_manual_seed():
    q, k, v = (al.tensor(RNG.standard_normal(s)) for s in [(2, 4, 3), (2, 4, 3), (2, 4, 3)])
    al.manual_seed(5)
    a = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    al.manual_seed(5)
    b = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    np.testing.assert_array_equal(a.data, b.data)
    assert not np.allclose(a.data, F.scaled_dot_product_attention(q, k, v).data)


def test_float32_in_float32_out():
    x = al.tensor(RNG.standard_normal((3, 4)).astype(np.float32), requires_grad=True)
    for f in (F.gelu, F.silu, F.elu, F.softplus, F.mish, F.hardtanh, F.relu6, F.normalize,
              lambda t: F.gelu(t, "tanh"), lambda t: F.layer_norm(t, 4),
              lambda t: F.group_norm(t, 2), lambda t: F.cosine_similarity(t, t),
              lambda t: F.scaled_dot_product_attention(t, t, t)):
        out = f(x)
        assert out.dtype == np.float32
        out.sum().backward()
        assert x.grad.dtype == np.float32
        x.grad = None


def test_a_small_attention_model_trains():
    al.manual_seed(0)
    emb, norm, head = nn.Embedding(6, 8), nn.LayerNorm(8), nn.Linear(8, 6)
    params = list(emb.parameters()) + list(norm.parameters()) + list(head.parameters())
    opt = al.optim.Adam(params, lr=0.05)
    tokens = al.tensor(np.array([[0, 1, 2, 3], [3, 2, 1, 0], [4, 5, 4, 5]]))
    targets = al.tensor(np.array([[1, 2, 3, 0], [2, 1, 0, 3], [5, 4, 5, 4]]))
    losses = []
    for _ in range(40):
        h = norm(emb(tokens))
        h = h + F.scaled_dot_product_attention(h, h, h, is_causal=True)
        loss = F.cross_entropy(head(F.gelu(h)).reshape(-1, 6), targets.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.3 * losses[0]


# ---- bad input ----------------------------------------------------------------------------
def test_layer_norm_shape_mismatch_is_a_runtime_error_naming_the_shapes():
    x = al.tensor(np.zeros((2, 3, 4)))
    with pytest.raises(RuntimeError, match=r"layer_norm.*\(2, 3, 4\).*\[3\]"):
        F.layer_norm(x, 3)
    with pytest.raises(RuntimeError, match="layer_norm"):
        nn.LayerNorm((2, 4))(x)
    with pytest.raises(RuntimeError, match=r"layer_norm: weight of shape \(3,\)"):
        F.layer_norm(x, 4, al.tensor(np.ones(3)))


def test_group_norm_groups_must_divide_channels():
    with pytest.raises(RuntimeError, match=r"group_norm.*\(2, 6, 3\).*num_groups=4"):
        F.group_norm(al.tensor(np.zeros((2, 6, 3))), 4)
    with pytest.raises(ValueError, match="GroupNorm.*6.*4"):
        nn.GroupNorm(4, 6)
    with pytest.raises(RuntimeError, match="group_norm: weight"):
        F.group_norm(al.tensor(np.zeros((2, 6))), 3, al.tensor(np.ones(3)))


def test_embedding_index_out_of_range_is_an_index_error():
    w = al.tensor(np.zeros((5, 2)))
    with pytest.raises(IndexError, match=r"embedding: index 5 .*\(5, 2\)"):
        F.embedding(al.tensor(np.array([0, 5])), w)
    with pytest.raises(IndexError, match="index -1"):
        F.embedding(al.tensor(np.array([-1])), w)
    with pytest.raises(TypeError, match="integer"):
        F.embedding(al.tensor(np.array([0.0])), w)


def test_embedding_unsupported_options_are_named():
    w = al.tensor(np.zeros((5, 2)))
    with pytest.raises(NotImplementedError, match="max_norm"):
        F.embedding(al.tensor(np.array([0])), w, max_norm=1.0)
    with pytest.raises(NotImplementedError, match="max_norm"):
        nn.Embedding(5, 2, max_norm=1.0)
    with pytest.raises(NotImplementedError, match="sparse"):
        nn.Embedding(5, 2, sparse=True)
    with pytest.raises(ValueError, match="padding_idx"):
        nn.Embedding(5, 2, padding_idx=5)


def test_one_hot_bad_input():
    with pytest.raises(RuntimeError, match="smaller than num_classes"):
        F.one_hot(al.tensor(np.array([3])), 3)
    with pytest.raises(RuntimeError, match="non-negative"):
        F.one_hot(al.tensor(np.array([-1, 2])))
    with pytest.raises(RuntimeError, match="integer"):
        F.one_hot(al.tensor(np.array([1.0])))
    with pytest.raises(RuntimeError, match="empty"):
        F.one_hot(al.tensor(np.zeros(0, dtype=np.int64)))


def test_other_bad_input():
    x = al.tensor(np.zeros((2, 3, 4)))
    with pytest.raises(RuntimeError, match="attn_mask should not be set"):
        F.scaled_dot_product_attention(x, x, x, np.ones((3, 3), bool), is_causal=True)
    with pytest.raises(RuntimeError, match=r"query \(2, 3, 4\).*key \(2, 3, 5\)"):
        F.scaled_dot_product_attention(x, al.tensor(np.zeros((2, 3, 5))), x)
    with pytest.raises(ValueError, match="approximate"):
        F.gelu(x, "erf")
    with pytest.raises(ValueError, match="kl_div: reduction"):
        F.kl_div(x, x, reduction="average")
    with pytest.raises(ValueError, match="smooth_l1_loss.*differ"):
        F.smooth_l1_loss(x, al.tensor(np.zeros(3)))
    with pytest.raises(RuntimeError, match="cosine_similarity.*do not broadcast"):
        F.cosine_similarity(x, al.tensor(np.zeros((5, 4))))
    with pytest.raises(RuntimeError, match="Unflatten"):
        nn.Unflatten(1, (2, 2))(x)
    with pytest.raises(ValueError, match="Hardtanh"):
        nn.Hardtanh(1.0, -1.0)
