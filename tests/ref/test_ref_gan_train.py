"""gan.train_gan (NumPy, plain gradient descent) and its PyTorch twin (nn.Modules,
torch optimizers): the same run to rounding with SGD; Adam and extra generator steps."""

import numpy as np
import pytest
import torch

from autograder.ref_numpy import gan, toy2d
from autograder.ref_torch import gan as gan_torch
from autograder.ref_torch._util import numpy

#: float64, a few dozen steps of the same algorithm in two libraries: rounding only.
SAME_RUN = dict(rtol=1e-9, atol=1e-11)


def nets(hidden=8, k=2, seed=0):
    return gan.init_mlp([k, hidden, hidden, 2], seed), gan.init_mlp([2, hidden, hidden, 1], seed + 1)


def test_first_step_is_gan_step_on_the_first_draws():
    gen, disc = nets()
    new_gen, new_disc, history = gan.train_gan(gen, disc, toy2d.ring_of_gaussians, 1, 16, 0.1, seed=5, every=1)
    rng = np.random.default_rng(5)
    real = toy2d.ring_of_gaussians(16, rng)
    expected = gan.gan_step(gen, disc, real, rng.normal(size=(16, 2)), 0.1)
    for (W, b), (W_e, b_e) in zip(new_gen + new_disc, expected[0] + expected[1]):
        np.testing.assert_array_equal(W, W_e)
        np.testing.assert_array_equal(b, b_e)
    assert history["d_loss"] == [expected[2]] and history["g_loss"] == [expected[3]]


def test_history_snapshots_and_inputs_unchanged():
    gen, disc = nets(k=3)
    copies = [(W.copy(), b.copy()) for W, b in gen + disc]
    _, _, history = gan.train_gan(gen, disc, toy2d.ring_of_gaussians, 10, 8, 0.1, every=4, n_show=7)
    assert len(history["d_loss"]) == len(history["g_loss"]) == 10
    assert sorted(history["samples"]) == [0, 4, 8]
    assert all(s.shape == (7, 2) for s in history["samples"].values())
    z_show = np.random.default_rng([0, 1]).normal(size=(7, 3))
    np.testing.assert_array_equal(history["samples"][0], gan.mlp_forward(gen, z_show)[0])
    assert not np.array_equal(history["samples"][0], history["samples"][8])
    for (W, b), (W_c, b_c) in zip(gen + disc, copies):
        np.testing.assert_array_equal(W, W_c)
        np.testing.assert_array_equal(b, b_c)


def test_build_mlp_copies_the_numpy_layers(dev):
    gen, _ = nets(hidden=5)
    model = gan_torch.build_mlp(gen, dev)
    assert [type(m).__name__ for m in model] == ["Linear", "Tanh", "Linear", "Tanh", "Linear"]
    z = np.random.default_rng(0).normal(size=(6, 2))
    with torch.no_grad():
        out = model(torch.as_tensor(z, device=dev, dtype=torch.float64))
    np.testing.assert_allclose(numpy(out), gan.mlp_forward(gen, z)[0], **SAME_RUN)


@pytest.mark.parametrize("seed,lr", [(0, 0.1), (3, 0.5)])
def test_sgd_twin_is_the_same_run(seed, lr, dev):
    gen, disc = nets(seed=seed)
    args = (toy2d.ring_of_gaussians, 30, 32, lr)
    _, _, hist = gan.train_gan(gen, disc, *args, seed=seed, every=10)
    G, D, hist_t = gan_torch.train_gan(gen, disc, *args, seed=seed, every=10, optimizer="sgd", device=dev)
    np.testing.assert_allclose(hist_t["d_loss"], hist["d_loss"], **SAME_RUN)
    np.testing.assert_allclose(hist_t["g_loss"], hist["g_loss"], **SAME_RUN)
    for step, samples in hist["samples"].items():
        np.testing.assert_allclose(hist_t["samples"][step], samples, **SAME_RUN)


def test_adam_and_extra_generator_steps_change_the_run(dev):
    gen, disc = nets()
    args = (gen, disc, toy2d.ring_of_gaussians, 20, 32, 0.01)
    sgd = gan_torch.train_gan(*args, every=20, optimizer="sgd", device=dev)[2]
    adam = gan_torch.train_gan(*args, every=20, optimizer="adam", device=dev)[2]
    extra = gan_torch.train_gan(*args, every=20, optimizer="sgd", g_steps=3, device=dev)[2]
    assert sgd["d_loss"][0] == adam["d_loss"][0] == extra["d_loss"][0]  # the same first batch
    assert sgd["g_loss"][0] == extra["g_loss"][0]  # measured before any generator step
    assert not np.allclose(sgd["samples"][20], adam["samples"][20])
    assert not np.allclose(sgd["samples"][20], extra["samples"][20])
    assert len(extra["g_loss"]) == 20  # one loss per step: the first generator step's


def test_float32_run_is_close_to_float64(dev):
    gen, disc = nets()
    args = (gen, disc, toy2d.ring_of_gaussians, 20, 32, 0.01)
    f64 = gan_torch.train_gan(*args, optimizer="adam", every=20, device=dev)[2]
    f32 = gan_torch.train_gan(*args, optimizer="adam", every=20, device=dev, dtype=torch.float32)[2]
    np.testing.assert_allclose(f32["d_loss"], f64["d_loss"], rtol=1e-4)
