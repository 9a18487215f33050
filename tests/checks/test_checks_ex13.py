"""Every check of exercise 13 passes the reference and fails plausible wrong answers."""

import re

import numpy as np
import pytest

from autograder.checks import ex13_gan as ex
from autograder.ref_numpy import gan as ref
from helpers.checking import HANGUL, fails, messages_in_both, passes


def sigmoid(z):
    with np.errstate(over="ignore"):  # the naive mutants overflow on purpose
        return 1 / (1 + np.exp(-z))


# ---------------------------------------------------------------- discriminator_loss

@pytest.mark.parametrize("kwargs", [{}, dict(seed=3, n=1, m=1), dict(seed=4, n=30, m=2)])
def test_discriminator_loss_passes_reference(kwargs, capsys):
    passes(ex.check_discriminator_loss, ref.discriminator_loss, capsys=capsys, **kwargs)


def _naive_d(r, f):
    with np.errstate(all="ignore"):
        loss = -np.mean(np.log(sigmoid(r))) - np.mean(np.log(1 - sigmoid(f)))
    return loss, (sigmoid(r) - 1) / r.size, sigmoid(f) / f.size


def _swapped_labels(r, f):
    loss, dr, df = ref.discriminator_loss(f, r)
    return np.mean(ref.softplus(r)) + np.mean(ref.softplus(-f)), sigmoid(r) / r.size, (sigmoid(f) - 1) / f.size


def _summed(r, f):
    return float(np.sum(ref.softplus(-r)) + np.sum(ref.softplus(f))), sigmoid(r) - 1, sigmoid(f)


def _no_mean_in_grad(r, f):
    loss, dr, df = ref.discriminator_loss(r, f)
    return loss, dr * r.size, df


def _sign_flipped(r, f):
    loss, dr, df = ref.discriminator_loss(r, f)
    return loss, -dr, df


@pytest.mark.parametrize("wrong,match", [
    (_naive_d, "not finite|logaddexp"),
    (_swapped_labels, "label 1"),
    (_summed, "mean"),
    (_no_mean_in_grad, "divide by the batch size"),
    (_sign_flipped, "opposite sign"),
    (lambda r, f: ref.discriminator_loss(r, f)[0], "tuple of 3 values"),
])
def test_discriminator_loss_rejects(wrong, match):
    fails(ex.check_discriminator_loss, wrong, match=match)


# ---------------------------------------------------------------- generator_loss

@pytest.mark.parametrize("kwargs", [{}, dict(seed=5, m=1), dict(seed=6, m=40)])
def test_generator_loss_passes_reference(kwargs, capsys):
    passes(ex.check_generator_loss, lambda f: ref.generator_loss(f), capsys=capsys, **kwargs)


def _naive_g(f):
    with np.errstate(all="ignore"):
        return -np.mean(np.log(sigmoid(f))), (sigmoid(f) - 1) / f.size


@pytest.mark.parametrize("wrong,match", [
    (lambda f: ref.generator_loss(f, saturating=True), "saturating"),
    (_naive_g, "not finite|logaddexp"),
    (lambda f: (ref.generator_loss(f)[0], sigmoid(f) - 1), "MEAN"),
])
def test_generator_loss_rejects(wrong, match):
    fails(ex.check_generator_loss, wrong, match=match)


# ---------------------------------------------------------------- gan_step

@pytest.mark.parametrize("kwargs", [{}, dict(seed=7, n=1, m=1, k=1, hidden=1), dict(seed=8, n=20, m=9, lr=0.5)])
def test_gan_step_passes_reference(kwargs, capsys):
    passes(ex.check_gan_step, lambda g, d, r, z, lr: ref.gan_step(g, d, r, z, lr), capsys=capsys, **kwargs)


def _through_old_d(gen, disc, real, z, lr):
    new_gen, new_disc, d_loss, g_loss = ex._old_discriminator_step(gen, disc, real, z, lr)
    return new_gen, new_disc, d_loss, g_loss


def _frozen_biases(gen, disc, real, z, lr):
    new_gen, new_disc, d_loss, g_loss = ref.gan_step(gen, disc, real, z, lr)
    return [(W, b0) for (W, _), (_, b0) in zip(new_gen, gen)], new_disc, d_loss, g_loss


def _gen_first(gen, disc, real, z, lr):
    """G steps first, through the old D; then D on samples of the new G."""
    fake, gen_caches = ref.mlp_forward(gen, z)
    logits, caches = ref.mlp_forward(disc, fake)
    g_loss, d_fake = ref.generator_loss(logits[:, 0])
    grads = ref.mlp_backward(ref.mlp_backward(d_fake[:, None], caches)[0], gen_caches)[1]
    gen = [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(gen, grads)]
    _, disc, d_loss, _ = ref.gan_step(gen, disc, real, z, lr)
    return gen, disc, d_loss, g_loss


def _in_place(gen, disc, real, z, lr):
    new_gen, new_disc, d_loss, g_loss = ref.gan_step(gen, disc, real, z, lr)
    for (W, b), (nW, nb) in zip(gen, new_gen):
        W[...] = nW
    return gen, new_disc, d_loss, g_loss


@pytest.mark.parametrize("wrong,match", [
    (_through_old_d, "UPDATED discriminator"),
    (lambda g, d, r, z, lr: ref.gan_step(g, d, r, z, lr, saturating=True), "g_loss|non-saturating"),
    (_frozen_biases, "biases of gen"),
    (_gen_first, "UPDATED discriminator|g_loss|d_loss|disc"),
    (_in_place, "changed its argument gen"),
])
def test_gan_step_rejects(wrong, match):
    fails(ex.check_gan_step, wrong, match=match)


# ---------------------------------------------------------------- mistakes found by trying the notebook

def _pooled_mean(real_logits, fake_logits):
    n = real_logits.size + fake_logits.size
    loss = (np.sum(np.logaddexp(0.0, -real_logits)) + np.sum(np.logaddexp(0.0, fake_logits))) / n
    return loss, (ref.sigmoid(real_logits) - 1.0) / n, ref.sigmoid(fake_logits) / n


def test_discriminator_loss_names_one_mean_over_both_batches():
    fails(ex.check_discriminator_loss, _pooled_mean, match=r"^loss .*Hint: each part is averaged over its own batch")


def test_a_named_mistake_reads_in_korean_with_the_same_numbers():
    """The pooled mean read in Korean: the Korean hint, the same got/want numbers as in English."""
    english, korean = messages_in_both(lambda: ex.check_discriminator_loss(_pooled_mean))
    got, want = re.search(r"got (\S+) but should be (\S+) ", english).groups()
    assert "N + M개 로짓 전체를 한꺼번에 평균하지 않습니다" in korean
    assert "not one mean over all" not in korean and not HANGUL.search(english)
    assert got in korean and want in korean


def _disc_from_real_only(gen, disc, real, z, lr):
    new_gen, _, d_loss, g_loss = ref.gan_step(gen, disc, real, z, lr)
    return new_gen, ex._one_batch_discriminators(gen, disc, real, z, lr)["real"], d_loss, g_loss


def test_gan_step_checks_disc_before_g_loss_and_names_a_one_batch_gradient():
    """D's step is judged before G's loss, which depends on it: the message points at the cause."""
    fails(ex.check_gan_step, _disc_from_real_only,
          match=r"^disc\[0\] weights after the step.*you used only the real ones")


def test_stability_hint_starts_with_hint():
    with pytest.raises(AssertionError) as info:
        ex.check_generator_loss(lambda f: (np.mean(-np.log(sigmoid(f))), (sigmoid(f) - 1) / f.size))
    assert "Hint: compute -log" in str(info.value)


def test_gan_step_with_a_wrong_discriminator_loss_points_at_that_function():
    def step_with_pooled_loss(gen, disc, real, z, lr):
        new_gen, new_disc, _, g_loss = ref.gan_step(gen, disc, real, z, lr)
        fake = ref.mlp_forward(gen, z)[0]
        logits = [ref.mlp_forward(disc, v)[0][:, 0] for v in (real, fake)]
        return new_gen, new_disc, _pooled_mean(*logits)[0], g_loss
    fails(ex.check_gan_step, step_with_pooled_loss, match=r"^d_loss .*from your discriminator_loss")


# ---------------------------------------------------------------- cascades (issue 20, item 11)

def test_a_wrong_loss_is_named_by_the_training_step(capsys):
    """gan_step uses the student's losses: a wrong loss gradient is named first."""
    from helpers.checking import solution_namespace
    unscaled = ("def discriminator_loss(real_logits, fake_logits):\n"
                "    sig = lambda z: np.exp(-np.logaddexp(0.0, -z))\n"
                "    loss = np.mean(np.logaddexp(0.0, -real_logits)) + np.mean(np.logaddexp(0.0, fake_logits))\n"
                "    return float(loss), sig(real_logits) - 1.0, sig(fake_logits)\n")
    ns = solution_namespace("13_gan", discriminator_loss=unscaled)
    fails(ex.check_gan_step, ns["gan_step"], match=r"^First fix discriminator_loss, which gan_step calls: ")
    passes(ex.check_gan_step, solution_namespace("13_gan")["gan_step"], capsys=capsys)
