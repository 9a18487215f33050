"""Checks of exercise 13_gan: the discriminator's and the generator's losses from logits with
their gradients, and one alternating training step, against the NumPy reference,
``F.binary_cross_entropy_with_logits`` and autograd."""

import numpy as np

from autograder.checks.compare import (DEVICE, F64, assert_close, call, describe, diagnose, explains, fail, ok,
                                       torch_twin, unpack)
from autograder.checks.messages import say
from autograder.ref_numpy import gan as ref

#: Logits where log(sigmoid(l)) computed directly overflows to -inf or gives NaN.
EXTREME = np.array([1000.0, -1000.0, 40.0, -40.0, 0.0])
STABLE_HINT = ("compute -log σ(l) and -log(1 - σ(l)) without forming σ(l) first: they are "
               "softplus(-l) and softplus(l), and softplus(z) = log(1 + e^z) has a stable NumPy form "
               "(np.logaddexp(0, z)).")


POOLED_HINT = ("each part is averaged over its own batch: 1/N over the N real logits plus 1/M over the M fake "
               "ones, not one mean over all N + M logits.")


def _discriminator_loss_of_step(discriminator_loss, case):
    """The student's discriminator loss, verified when gan_step fails (see compare.explains)."""
    check_discriminator_loss(discriminator_loss, seed=case["seed"])


def _generator_loss_of_step(generator_loss, case):
    """The student's generator loss, verified when gan_step fails."""
    check_generator_loss(generator_loss, seed=case["seed"])


def _logits(seed, n, scale=3.0):
    return scale * np.random.default_rng(seed).normal(size=n)


def _finite(label, name, value):
    """Fail if ``value`` (the returned value ``name``; None: the discriminator's loss) has an inf or a NaN
    at logits of ±1000."""
    arr = np.asarray(value, dtype=float)
    if np.all(np.isfinite(arr)):
        return
    if name is None:
        fail(say("{label}: the loss is not finite (inf or NaN) for logits of ±1000. Hint: {hint}",
                 label=label, hint=say(STABLE_HINT)))
    fail(say("{label}: {name} is not finite (inf or NaN) for logits of ±1000. Hint: {hint}",
             label=label, name=name, hint=say(STABLE_HINT)))


def _discriminator_loss_mistakes(r, f):
    """{hint: the loss a known mistake gives} for real logits ``r`` and fake logits ``f``."""
    sp = ref.softplus
    return {
        say("real samples have the label 1 and fakes the label 0: the loss is -log D(x) on real logits "
            "plus -log(1 - D(G(z))) on fake ones."): np.mean(sp(r)) + np.mean(sp(-f)),
        say("average each part over its own batch (mean), do not sum."): np.sum(sp(-r)) + np.sum(sp(f)),
        say("the loss is a binary cross-entropy: minus the log-likelihood, so it is positive."):
            -(np.mean(sp(-r)) + np.mean(sp(f))),
        say(POOLED_HINT): (np.sum(sp(-r)) + np.sum(sp(f))) / (r.size + f.size),
    }


def _discriminator_gradient_mistakes(name, want, size, pooled):
    """{hint: the gradient ``name`` a known mistake gives}; want: the right one, over ``size`` logits;
    pooled: the number of logits of both batches."""
    return {
        say("{name} is the gradient of a MEAN over {size} logits: divide by the batch size.",
            name=name, size=size): want * size,
        say("{name} has the opposite sign: the derivative of softplus(z) is σ(z), of softplus(-z) is "
            "-σ(-z) = σ(z) - 1.", name=name): -want,
        say(POOLED_HINT): want * size / pooled,
    }


@explains()
def check_discriminator_loss(discriminator_loss, seed=0, n=6, m=4):
    """discriminator_loss(real_logits, fake_logits) -> (loss, d_real, d_fake), stable at ±1000."""
    twin, dev, numpy = torch_twin("gan")
    real, fake = _logits(seed, n), _logits(seed + 1, m)
    for r, f in ((real, fake), (EXTREME, EXTREME[::-1].copy())):
        call_text = "discriminator_loss(real_logits, fake_logits)"  # not a message (the call, as code)
        label = describe(call_text, real_logits=r, fake_logits=f)
        out = unpack(label, call(discriminator_loss, label, say(STABLE_HINT), real_logits=r, fake_logits=f), 3)
        want = ref.discriminator_loss(r, f)
        loss_hint = diagnose(out[0], _discriminator_loss_mistakes(r, f))
        if r is EXTREME:
            _finite(label, None, out[0])
        assert_close(describe(call_text, "loss", 0, real_logits=r, fake_logits=f), out[0], want[0], F64,
                     loss_hint or say("mean(softplus(-real_logits)) + mean(softplus(fake_logits))."))
        for i, name in ((1, "d_real"), (2, "d_fake")):
            size = r.size if i == 1 else f.size
            hint = diagnose(out[i], _discriminator_gradient_mistakes(name, want[i], size, r.size + f.size))
            if r is EXTREME:
                _finite(label, name, out[i])
            got = assert_close(describe(call_text, name, i, real_logits=r, fake_logits=f), out[i], want[i], F64,
                               hint or say("{name} has one entry per logit.", name=name))
            assert_close(say("{name} against autograd of binary_cross_entropy_with_logits", name=name), got,
                         numpy(twin.discriminator_loss(r, f, dev)[i]), DEVICE, against="PyTorch")
    ok(say("discriminator_loss matches BCE-with-logits and its autograd gradients, even at logits of ±1000"))


def _generator_loss_mistakes(i, want, saturating, size):
    """{hint: the value a known mistake gives} for part ``i`` (0: loss, 1: d_fake) of generator_loss."""
    mistakes = {say("this is the saturating (minimax) loss mean(log(1 - D(G(z)))); the exercise asks for the "
                    "non-saturating one, mean(-log D(G(z))), which pushes hardest where D rejects the fakes."):
                saturating[i]}
    if i == 1:
        mistakes[say("d_fake is the gradient of a MEAN: divide by the number of logits.")] = want[1] * size
    return mistakes


@explains()
def check_generator_loss(generator_loss, seed=0, m=5):
    """generator_loss(fake_logits) -> (loss, d_fake): the non-saturating loss, stable at ±1000."""
    twin, dev, numpy = torch_twin("gan")
    for f in (_logits(seed, m), EXTREME):
        call_text = "generator_loss(fake_logits)"
        label = describe(call_text, fake_logits=f)
        out = unpack(label, call(generator_loss, label, say(STABLE_HINT), fake_logits=f), 2)
        want = ref.generator_loss(f)
        saturating = ref.generator_loss(f, saturating=True)
        for i, name in enumerate(("loss", "d_fake")):
            if f is EXTREME:
                _finite(label, name, out[i])
            hint = diagnose(out[i], _generator_loss_mistakes(i, want, saturating, f.size))
            got = assert_close(describe(call_text, name, i, fake_logits=f), out[i], want[i], F64,
                               hint or say("loss = mean(softplus(-fake_logits)); d_fake = (σ(l) - 1) / M."))
            if i == 1:
                assert_close(say("d_fake against autograd"), got, numpy(twin.generator_loss(f, False, dev)[1]),
                             DEVICE, against="PyTorch")
    ok(say("generator_loss is the non-saturating loss and matches autograd, even at logits of ±1000"))


def _networks(seed, k, hidden):
    gen = ref.init_mlp([k, hidden, 2], seed)
    disc = ref.init_mlp([2, hidden, 1], seed + 1)
    rng = np.random.default_rng(seed + 2)
    gen = [(W, rng.normal(scale=0.1, size=b.shape)) for W, b in gen]  # non-zero biases catch a missed update
    disc = [(W, rng.normal(scale=0.1, size=b.shape)) for W, b in disc]
    return gen, disc, rng


def _gan_step_mistakes(old_d, saturating, one_batch, n_gen, n_disc):
    """([{hint: gen layer li's weights a known mistake gives}], [the same for disc])."""
    gen = [{say("the generator's step goes through the UPDATED discriminator."): old_d[0][li][0],
            say("use the non-saturating generator loss mean(-log D(G(z)))."): saturating[0][li][0]}
           for li in range(n_gen)]
    one_batch_hints = {  # the batch D's gradient was taken from
        "real": say("D's gradient is the SUM of the gradients through the real AND the fake logits; you "
                    "used only the real ones."),
        "fake": say("D's gradient is the SUM of the gradients through the real AND the fake logits; you "
                    "used only the fake ones."),
    }
    disc = [{one_batch_hints[batch]: params[li][0] for batch, params in one_batch.items()} for li in range(n_disc)]
    return gen, disc


@explains(discriminator_loss=_discriminator_loss_of_step, generator_loss=_generator_loss_of_step)
def check_gan_step(gan_step, seed=0, n=8, m=6, k=3, hidden=5, lr=0.1):
    """gan_step(gen, disc, real, z, lr) -> (gen, disc, d_loss, g_loss): D first, then G through the new D."""
    gen, disc, rng = _networks(seed, k, hidden)
    real, z = rng.normal(size=(n, 2)) + 2.0, rng.normal(size=(m, k))
    twin, dev, numpy = torch_twin("gan")
    label = describe("gan_step(gen, disc, real, z, lr)", real=real, z=z, lr=lr)  # not a message (the call, as code)
    out = unpack(label, call(gan_step, label, "", gen=gen, disc=disc, real=real, z=z, lr=lr), 4)
    want = ref.gan_step(gen, disc, real, z, lr)
    old_d = _old_discriminator_step(gen, disc, real, z, lr)
    saturating = ref.gan_step(gen, disc, real, z, lr, saturating=True)
    one_batch = _one_batch_discriminators(gen, disc, real, z, lr)
    twin_out = twin.gan_step(gen, disc, real, z, lr, device=dev)
    gen_mistakes, disc_mistakes = _gan_step_mistakes(old_d, saturating, one_batch, len(gen), len(disc))
    # In the order of the computation: D's loss, D's step, G's loss through the new D, G's step.
    _check_loss(out, want, 2, old_d)
    _check_network("disc", out[1], want[1], twin_out[1], disc_mistakes, numpy)
    _check_loss(out, want, 3, old_d)
    _check_network("gen", out[0], want[0], twin_out[0], gen_mistakes, numpy)
    ok(say("gan_step matches the reference step and PyTorch autograd (D first, then G through the new D)"))


def _check_loss(out, want, i, old_d):
    """d_loss (i = 2) or g_loss (i = 3) returned by gan_step."""
    if i == 2:
        name, hint = "d_loss", ""
        generic = say("d_loss is D's loss on the real and the fake samples before D's step, from your "
                      "discriminator_loss (make its own test pass first).")
    else:
        name = "g_loss"
        hint = diagnose(out[i], {
            say("the generator's step goes through the UPDATED discriminator: take D's step first, then "
                "recompute D(G(z)) with the new D."): old_d[3],
        })
        generic = say("g_loss is G's loss before its own step, measured by the updated D, from your "
                      "generator_loss (make its own test pass first).")
    label = describe("gan_step(gen, disc, real, z, lr)", name, i)  # not a message (the call, as code)
    assert_close(label, out[i], want[i], F64, hint or generic)


def _check_network(which, part, ref_part, twin_part, mistakes, numpy):
    """The new ``which`` network ("gen" or "disc") returned by gan_step, layer by layer.

    mistakes: one {hint: weights a known mistake gives} per layer.
    """
    layers = unpack(say("{which} (returned by gan_step)", which=which), part, len(ref_part))
    for li, (layer, (W, b)) in enumerate(zip(layers, ref_part)):
        got_W, got_b = unpack(f"{which}[{li}]", layer, 2)
        hint = diagnose(got_W, mistakes[li])
        gW = assert_close(say("{which}[{li}] weights after the step", which=which, li=li), got_W, W, F64,
                          hint or say("each {which} weight moves by -lr times its gradient.", which=which))
        gb = assert_close(say("{which}[{li}] bias after the step", which=which, li=li), got_b, b, F64,
                          say("the biases of {which} are parameters too: update them.", which=which))
        assert_close(say("{which}[{li}] weights against autograd", which=which, li=li), gW,
                     numpy(twin_part[li][0]), DEVICE, against="PyTorch")
        assert_close(say("{which}[{li}] bias against autograd", which=which, li=li), gb,
                     numpy(twin_part[li][1]), DEVICE, against="PyTorch")


def _one_batch_discriminators(gen, disc, real, z, lr):
    """{"real": disc, "fake": disc} after a D step that used the gradient of one batch only (a known mistake)."""
    fake, _ = ref.mlp_forward(gen, z)
    real_logits, real_caches = ref.mlp_forward(disc, real)
    fake_logits, fake_caches = ref.mlp_forward(disc, fake)
    _, d_real, d_fake = ref.discriminator_loss(real_logits[:, 0], fake_logits[:, 0])
    out = {}
    for batch, d, caches in (("real", d_real, real_caches), ("fake", d_fake, fake_caches)):
        grads = ref.mlp_backward(d[:, None], caches)[1]
        out[batch] = [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(disc, grads)]
    return out


def _old_discriminator_step(gen, disc, real, z, lr):
    """The step with G's gradient taken through the OLD discriminator (a known mistake)."""
    new_gen_old_d = ref.gan_step(gen, disc, real, z, lr)
    _, _, d_loss, _ = new_gen_old_d
    fake, gen_caches = ref.mlp_forward(gen, z)
    logits, caches = ref.mlp_forward(disc, fake)
    g_loss, d_fake = ref.generator_loss(logits[:, 0])
    d_sample = ref.mlp_backward(d_fake[:, None], caches)[0]
    grads = ref.mlp_backward(d_sample, gen_caches)[1]
    gen2 = [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(gen, grads)]
    return gen2, new_gen_old_d[1], d_loss, g_loss
