"""Generative adversarial networks: the losses from logits and one training step (chapter 13_gan).

The discriminator D outputs a logit ``l`` per sample (D(x) = σ(l) is the probability
that x is real). Losses are written with softplus(z) = log(1 + e^z), computed as
``np.logaddexp(0, z)``, which never overflows: -log σ(l) = softplus(-l) and
-log(1 - σ(l)) = softplus(l).

Networks are lists of (W, b) layers with tanh between them; one example per row.
"""

import numpy as np

from autograder.ref_numpy.layers import affine_backward, affine_forward


def softplus(z):
    """log(1 + e^z), stable for any z."""
    return np.logaddexp(0.0, z)


def sigmoid(z):
    """σ(z) without overflow."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def discriminator_loss(real_logits, fake_logits):
    """Binary cross-entropy, real labelled 1 and fake 0, each averaged over its batch.

    real_logits: (N,), fake_logits: (M,) -> (loss, d_real (N,), d_fake (M,)), the
    gradients of the loss with respect to the logits.
    """
    loss = float(np.mean(softplus(-real_logits)) + np.mean(softplus(fake_logits)))
    return loss, (sigmoid(real_logits) - 1.0) / real_logits.size, sigmoid(fake_logits) / fake_logits.size


def generator_loss(fake_logits, saturating=False):
    """The generator's loss on D's logits for its samples -> (loss, d_fake (M,)).

    Non-saturating (the default, used in practice): mean(-log D(G(z))).
    Saturating (the minimax game's own term, to compare): mean(log(1 - D(G(z)))).
    """
    m = fake_logits.size
    if saturating:
        return float(-np.mean(softplus(fake_logits))), -sigmoid(fake_logits) / m
    return float(np.mean(softplus(-fake_logits))), (sigmoid(fake_logits) - 1.0) / m


def mlp_forward(params, x):
    """tanh MLP, linear last layer -> (out, caches); caches hold what mlp_backward needs."""
    caches, a = [], x
    for k, (W, b) in enumerate(params):
        z, cache = affine_forward(a, W, b)
        a = np.tanh(z) if k < len(params) - 1 else z
        caches.append((cache, a))
    return a, caches


def mlp_backward(dout, caches):
    """Gradients of mlp_forward -> (dx, [(dW, db), ...])."""
    grads = []
    for k in reversed(range(len(caches))):
        cache, a = caches[k]
        if k < len(caches) - 1:
            dout = dout * (1.0 - a**2)
        dout, dW, db = affine_backward(dout, cache)
        grads.append((dW, db))
    return dout, grads[::-1]


def init_mlp(sizes, seed=0):
    """[(W, b), ...] with W ~ U(-k, k), k = 1/sqrt(fan_in), b = 0."""
    rng = np.random.default_rng(seed)
    return [(rng.uniform(-1, 1, (m, n)) / np.sqrt(m), np.zeros(n)) for m, n in zip(sizes[:-1], sizes[1:])]


def gan_step(gen, disc, real, z, lr, saturating=False):
    """One alternating step of plain gradient descent -> (gen, disc, d_loss, g_loss).

    First D takes a step on ``real`` (N, 2) and on G(z) for ``z`` (M, k) held fixed;
    then G takes a step on the same z, through the UPDATED D. Returns new lists.
    """
    fake, _ = mlp_forward(gen, z)
    real_logits, real_caches = mlp_forward(disc, real)
    fake_logits, fake_caches = mlp_forward(disc, fake)
    d_loss, d_real, d_fake = discriminator_loss(real_logits[:, 0], fake_logits[:, 0])
    grads_real = mlp_backward(d_real[:, None], real_caches)[1]
    grads_fake = mlp_backward(d_fake[:, None], fake_caches)[1]
    disc = [(W - lr * (gr[0] + gf[0]), b - lr * (gr[1] + gf[1]))
            for (W, b), gr, gf in zip(disc, grads_real, grads_fake)]
    fake, gen_caches = mlp_forward(gen, z)
    fake_logits, fake_caches = mlp_forward(disc, fake)
    g_loss, d_fake = generator_loss(fake_logits[:, 0], saturating)
    d_sample = mlp_backward(d_fake[:, None], fake_caches)[0]
    grads_gen = mlp_backward(d_sample, gen_caches)[1]
    gen = [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(gen, grads_gen)]
    return gen, disc, d_loss, g_loss


def train_gan(
    gen,
    disc,
    sample_real,
    steps,
    batch,
    lr,
    seed=0,
    every=100,
    n_show=500,
    progress=None,
):
    """GAN training by plain gradient descent -> (gen, disc, history).

    Each step is one ``gan_step``.

    sample_real(n, rng) -> (n, 2) draws real data; each step draws ``batch``
    real samples, then ``batch`` noise vectors z ~ N(0, I) of the generator's
    input size, from one ``np.random.default_rng(seed)``. history: "d_loss" and
    "g_loss" per step, and "samples": {step: G(z_show) (n_show, 2)} at step 0
    and every ``every`` steps, for one fixed z_show (drawn from
    ``default_rng([seed, 1])``), so that snapshots are comparable.
    """
    rng, k = np.random.default_rng(seed), gen[0][0].shape[0]
    z_show = np.random.default_rng([seed, 1]).normal(size=(n_show, k))
    history = {
        "d_loss": [],
        "g_loss": [],
        "samples": {0: mlp_forward(gen, z_show)[0]},
    }
    for step in (progress or range)(steps):
        real = sample_real(batch, rng)
        z = rng.normal(size=(batch, k))
        gen, disc, d_loss, g_loss = gan_step(gen, disc, real, z, lr)
        history["d_loss"].append(d_loss)
        history["g_loss"].append(g_loss)
        if (step + 1) % every == 0:
            history["samples"][step + 1] = mlp_forward(gen, z_show)[0]
    return gen, disc, history
