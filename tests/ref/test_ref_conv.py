"""ref_numpy.conv against ref_torch.conv (F.conv2d, F.max_pool2d, autograd) and numeric gradients."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from autograder.checks.compare import DEVICE
from autograder.ref_numpy import backprop
from autograder.ref_numpy import conv as ref
from autograder.ref_torch import conv as ref_torch
from autograder.ref_torch._util import numpy

#: Central differences of a function linear in each entry: rounding only.
NUMERIC = dict(rtol=1e-6, atol=1e-8)
#: (N, C, H, W, F, kh, kw, stride, pad): square and not, one and several channels, stride and padding.
CONVS = [(2, 3, 7, 9, 4, 3, 2, 2, 1), (1, 1, 5, 5, 2, 3, 3, 1, 0), (3, 2, 8, 6, 5, 5, 3, 3, 2),
         (2, 1, 6, 7, 3, 1, 1, 1, 0), (1, 2, 4, 4, 1, 4, 4, 1, 0), (2, 4, 9, 5, 2, 2, 3, 2, 0)]
#: (N, C, H, W, size, stride): side by side, overlapping, leftover rows and columns.
POOLS = [(2, 3, 6, 8, 2, 2), (1, 2, 7, 9, 3, 2), (2, 1, 5, 5, 2, 1), (1, 1, 4, 6, 4, 4)]


def conv_case(seed, n, c, h, w, f, kh, kw, scale=1.0):
    rng = np.random.default_rng(seed)
    return (scale * rng.normal(size=(n, c, h, w)), rng.normal(size=(f, c, kh, kw)), rng.normal(size=f))


@pytest.mark.parametrize("h,k,s,p", [(28, 3, 1, 1), (28, 5, 1, 0), (7, 3, 2, 1), (8, 3, 3, 0), (5, 5, 1, 0),
                                     (6, 4, 3, 2)])
def test_output_size_matches_torch(h, k, s, p):
    out = F.conv2d(torch.zeros(1, 1, h, h), torch.zeros(1, 1, k, k), stride=s, padding=p)
    assert ref.conv_output_size(h, k, s, p) == out.shape[-1] == ref_torch.conv_output_size(h, k, s, p)


@pytest.mark.parametrize("n,c,h,w,f,kh,kw,s,p", CONVS)
def test_im2col_layout_matches_unfold_and_the_formula(n, c, h, w, f, kh, kw, s, p, dev):
    x = conv_case(1, n, c, h, w, f, kh, kw)[0]
    cols = ref.im2col(x, kh, kw, s, p)
    np.testing.assert_array_equal(cols, numpy(ref_torch.im2col(x, kh, kw, s, p, dev)))
    ho, wo = ref.conv_output_size(h, kh, s, p), ref.conv_output_size(w, kw, s, p)
    assert cols.shape == (c * kh * kw, n * ho * wo)
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    rng = np.random.default_rng(0)
    for _ in range(20):  # the documented index formula, entry by entry
        nn_, cc, pp, qq, i, j = (int(rng.integers(m)) for m in (n, c, kh, kw, ho, wo))
        assert cols[(cc * kh + pp) * kw + qq, (nn_ * ho + i) * wo + j] == xp[nn_, cc, i * s + pp, j * s + qq]


@pytest.mark.parametrize("n,c,h,w,f,kh,kw,s,p", CONVS)
def test_col2im_is_the_adjoint_of_im2col(n, c, h, w, f, kh, kw, s, p):
    x = conv_case(2, n, c, h, w, f, kh, kw)[0]
    y = np.random.default_rng(3).normal(size=ref.im2col(x, kh, kw, s, p).shape)
    lhs = np.sum(ref.im2col(x, kh, kw, s, p) * y)
    rhs = np.sum(x * ref.col2im(y, x.shape, kh, kw, s, p))
    assert lhs == pytest.approx(rhs, rel=1e-12)


@pytest.mark.parametrize("n,c,h,w,f,kh,kw,s,p", CONVS)
def test_conv_forward_and_backward_match_torch(n, c, h, w, f, kh, kw, s, p, dev):
    x, wt, b = conv_case(4, n, c, h, w, f, kh, kw)
    out, cache = ref.conv2d_forward(x, wt, b, s, p)
    twin, tcache = ref_torch.conv2d_forward(x, wt, b, s, p, dev)
    np.testing.assert_allclose(out, numpy(twin), **DEVICE)
    dout = np.random.default_rng(5).normal(size=out.shape)
    for mine, theirs, like in zip(ref.conv2d_backward(dout, cache), ref_torch.conv2d_backward(dout, tcache, dev),
                                  (x, wt, b)):
        assert mine.shape == like.shape
        np.testing.assert_allclose(mine, numpy(theirs), **DEVICE)


@pytest.mark.parametrize("n,c,h,w,f,kh,kw,s,p", CONVS[:3])
def test_conv_backward_matches_numeric_gradients(n, c, h, w, f, kh, kw, s, p):
    x, wt, b = conv_case(6, n, c, h, w, f, kh, kw)
    out, cache = ref.conv2d_forward(x, wt, b, s, p)
    dout = np.random.default_rng(7).normal(size=out.shape)
    dx, dw, db = ref.conv2d_backward(dout, cache)
    # dout is the gradient of L = sum(dout * out) with respect to out.
    def loss(xx, ww, bb):
        return float(np.sum(dout * ref.conv2d_forward(xx, ww, bb, s, p)[0]))
    np.testing.assert_allclose(dx, backprop.numerical_gradient(lambda v: loss(v, wt, b), x), **NUMERIC)
    np.testing.assert_allclose(dw, backprop.numerical_gradient(lambda v: loss(x, v, b), wt), **NUMERIC)
    np.testing.assert_allclose(db, backprop.numerical_gradient(lambda v: loss(x, wt, v), b), **NUMERIC)


def test_convolution_is_cross_correlation_not_flipped():
    """A kernel with one 1 at its top-left corner copies the pixel down-right of each output."""
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    k = np.zeros((1, 1, 3, 3))
    k[0, 0, 0, 0] = 1.0
    out = ref.conv2d_forward(x, k, np.zeros(1))[0]
    np.testing.assert_array_equal(out[0, 0], x[0, 0, :2, :2])  # true convolution would give x[2:, 2:]


def test_float32_stays_float32():
    x, w, b = (a.astype(np.float32) for a in conv_case(8, 2, 3, 6, 6, 4, 3, 3))
    out, cache = ref.conv2d_forward(x, w, b, 1, 1)
    assert out.dtype == np.float32
    assert all(g.dtype == np.float32 for g in ref.conv2d_backward(out, cache))
    pooled, pcache = ref.maxpool_forward(out, 2)
    assert pooled.dtype == np.float32 and ref.maxpool_backward(pooled, pcache).dtype == np.float32


def test_extreme_inputs_match_torch(dev):
    x, w, b = conv_case(9, 2, 2, 6, 5, 3, 3, 3, scale=1e4)
    x[0] = 0.0
    out, cache = ref.conv2d_forward(x, w, b, 2, 1)
    twin, tcache = ref_torch.conv2d_forward(x, w, b, 2, 1, dev)
    np.testing.assert_allclose(out, numpy(twin), rtol=DEVICE["rtol"], atol=1e-9 * np.abs(out).max())
    dout = 1e4 * np.ones(out.shape)
    for mine, theirs in zip(ref.conv2d_backward(dout, cache), ref_torch.conv2d_backward(dout, tcache, dev)):
        assert np.all(np.isfinite(mine))
        np.testing.assert_allclose(mine, numpy(theirs), rtol=DEVICE["rtol"], atol=1e-9 * np.abs(mine).max())


@pytest.mark.parametrize("n,c,h,w,size,s", POOLS)
@pytest.mark.parametrize("ties", [False, True])
def test_maxpool_matches_torch_with_and_without_ties(n, c, h, w, size, s, ties, dev):
    rng = np.random.default_rng(size + s)
    x = rng.integers(0, 3, size=(n, c, h, w)).astype(float) if ties else rng.normal(size=(n, c, h, w))
    out, cache = ref.maxpool_forward(x, size, s)
    twin, tcache = ref_torch.maxpool_forward(x, size, s, dev)
    np.testing.assert_array_equal(out, numpy(twin))
    dout = rng.normal(size=out.shape)
    np.testing.assert_allclose(ref.maxpool_backward(dout, cache),
                               numpy(ref_torch.maxpool_backward(dout, tcache, dev)), **DEVICE)


def test_maxpool_ties_go_to_the_first_maximum_in_scan_order(dev):
    """PyTorch's rule, which the reference follows: the top-left of equal maxima gets the gradient."""
    x = np.ones((1, 1, 2, 2))
    dx = ref.maxpool_backward(np.ones((1, 1, 1, 1)), ref.maxpool_forward(x, 2)[1])
    np.testing.assert_array_equal(dx[0, 0], [[1.0, 0.0], [0.0, 0.0]])
    twin = ref_torch.maxpool_backward(np.ones((1, 1, 1, 1)), ref_torch.maxpool_forward(x, 2, device=dev)[1], dev)
    np.testing.assert_array_equal(numpy(twin)[0, 0], dx[0, 0])


@pytest.mark.parametrize("n,c,h,w,size,s", POOLS)
def test_maxpool_backward_matches_numeric_gradients(n, c, h, w, size, s):
    x = np.random.default_rng(11).permutation(n * c * h * w).reshape(n, c, h, w) / 7.0  # no ties
    out, cache = ref.maxpool_forward(x, size, s)
    dout = np.random.default_rng(12).normal(size=out.shape)
    num = backprop.numerical_gradient(lambda v: float(np.sum(dout * ref.maxpool_forward(v, size, s)[0])), x)
    np.testing.assert_allclose(ref.maxpool_backward(dout, cache), num, **NUMERIC)


@pytest.mark.parametrize("n,c,h,w,size,s", POOLS)
def test_avgpool_matches_torch(n, c, h, w, size, s, dev):
    x = np.random.default_rng(13).normal(size=(n, c, h, w))
    out, cache = ref.avgpool_forward(x, size, s)
    twin, tcache = ref_torch.avgpool_forward(x, size, s, dev)
    np.testing.assert_allclose(out, numpy(twin), **DEVICE)
    dout = np.random.default_rng(14).normal(size=out.shape)
    np.testing.assert_allclose(ref.avgpool_backward(dout, cache),
                               numpy(ref_torch.avgpool_backward(dout, tcache, dev)), **DEVICE)


def test_caches_are_plain_data():
    """Caches cross the grader's pipe: tuples of arrays and numbers only."""
    from autograder import wire

    x, w, b = conv_case(15, 2, 2, 5, 5, 3, 3, 3)
    for cache in (ref.conv2d_forward(x, w, b, 1, 1)[1], ref.maxpool_forward(x, 2)[1], ref.avgpool_forward(x, 2)[1]):
        wire.encode(cache, [])  # raises Unserializable for anything else
