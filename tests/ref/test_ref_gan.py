"""ref_numpy.gan against BCE-with-logits, autograd and numeric gradients, at extreme logits too."""

import numpy as np
import pytest

from autograder.checks.compare import DEVICE
from autograder.ref_numpy import gan as ref
from autograder.ref_torch import gan as ref_torch
from autograder.ref_torch._util import numpy

#: Central differences (h = 1e-6) of smooth functions of order-1 values.
NUMERIC = dict(rtol=1e-5, atol=1e-9)


def logits(seed, n, scale=3.0):
    return scale * np.random.default_rng(seed).normal(size=n)


def numeric(f, x, h=1e-6):
    grad = np.zeros_like(x)
    for i in range(x.size):
        old = x.flat[i]
        x.flat[i] = old + h
        up = f()
        x.flat[i] = old - h
        down = f()
        x.flat[i] = old
        grad.flat[i] = (up - down) / (2 * h)
    return grad


@pytest.mark.parametrize("n,m", [(7, 5), (1, 1), (20, 3)])
def test_discriminator_loss_matches_bce_with_logits(n, m, dev):
    real, fake = logits(n, n), logits(m + 100, m)
    loss, d_real, d_fake = ref.discriminator_loss(real, fake)
    twin = ref_torch.discriminator_loss(real, fake, dev)
    assert loss == pytest.approx(twin[0], rel=1e-12)
    np.testing.assert_allclose(d_real, numpy(twin[1]), **DEVICE)
    np.testing.assert_allclose(d_fake, numpy(twin[2]), **DEVICE)
    np.testing.assert_allclose(d_real, numeric(lambda: ref.discriminator_loss(real, fake)[0], real), **NUMERIC)
    np.testing.assert_allclose(d_fake, numeric(lambda: ref.discriminator_loss(real, fake)[0], fake), **NUMERIC)


@pytest.mark.parametrize("saturating", [False, True])
def test_generator_loss_matches_autograd(saturating, dev):
    fake = logits(3, 9)
    loss, grad = ref.generator_loss(fake, saturating)
    twin_loss, twin_grad = ref_torch.generator_loss(fake, saturating, dev)
    assert loss == pytest.approx(twin_loss, rel=1e-12)
    np.testing.assert_allclose(grad, numpy(twin_grad), **DEVICE)
    np.testing.assert_allclose(grad, numeric(lambda: ref.generator_loss(fake, saturating)[0], fake), **NUMERIC)


def test_losses_are_finite_at_extreme_logits():
    real, fake = np.array([1e4, -1e4, 0.0]), np.array([-1e4, 1e4, 0.0])
    loss, d_real, d_fake = ref.discriminator_loss(real, fake)
    assert np.isfinite(loss) and loss == pytest.approx((1e4 + np.log(2)) / 3 + (1e4 + np.log(2)) / 3)
    assert np.all(np.isfinite(d_real)) and np.all(np.isfinite(d_fake))
    for saturating in (False, True):
        g_loss, g_grad = ref.generator_loss(fake, saturating)
        assert np.isfinite(g_loss) and np.all(np.isfinite(g_grad))


def test_saturating_loss_gives_no_gradient_where_the_generator_is_worst():
    """When D rejects a fake confidently (logit -10), the minimax term barely moves G; the
    non-saturating one pushes hardest: the reason it is used in practice."""
    fake = np.array([-10.0])
    assert abs(ref.generator_loss(fake, saturating=True)[1][0]) < 1e-4
    assert abs(ref.generator_loss(fake, saturating=False)[1][0]) > 0.99


@pytest.mark.parametrize("saturating", [False, True])
def test_gan_step_matches_autograd(saturating, dev):
    rng = np.random.default_rng(5)
    gen, disc = ref.init_mlp([3, 8, 2], 1), ref.init_mlp([2, 8, 1], 2)
    real, z = rng.normal(size=(6, 2)), rng.normal(size=(5, 3))
    new_gen, new_disc, d_loss, g_loss = ref.gan_step(gen, disc, real, z, 0.1, saturating)
    twin_gen, twin_disc, twin_d, twin_g = ref_torch.gan_step(gen, disc, real, z, 0.1, saturating, dev)
    assert d_loss == pytest.approx(twin_d, rel=1e-10) and g_loss == pytest.approx(twin_g, rel=1e-10)
    for mine, theirs in ((new_gen, twin_gen), (new_disc, twin_disc)):
        for (W, b), (tW, tb) in zip(mine, theirs):
            np.testing.assert_allclose(W, numpy(tW), **DEVICE)
            np.testing.assert_allclose(b, numpy(tb), **DEVICE)
    assert all(not np.shares_memory(W, W0) for (W, _), (W0, _) in zip(new_gen, gen))  # new arrays


def test_mlp_backward_matches_numeric():
    rng = np.random.default_rng(0)
    params = ref.init_mlp([2, 4, 3], 3)
    x, dout = rng.normal(size=(5, 2)), rng.normal(size=(5, 3))
    out, caches = ref.mlp_forward(params, x)
    dx, grads = ref.mlp_backward(dout, caches)
    def f():
        return float(np.sum(dout * ref.mlp_forward(params, x)[0]))
    np.testing.assert_allclose(dx, numeric(f, x), **NUMERIC)
    np.testing.assert_allclose(grads[0][0], numeric(f, params[0][0]), **NUMERIC)
