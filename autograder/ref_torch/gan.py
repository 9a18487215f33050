"""PyTorch twin of ``autograder.ref_numpy.gan`` (chapter 13_gan): losses from
``F.binary_cross_entropy_with_logits``, gradients and the step from autograd."""

import numpy as np
import torch
import torch.nn.functional as F

from autograder import float_dtype
from autograder.ref_torch._util import numpy, pick, tensor


def discriminator_loss(real_logits, fake_logits, device=None):
    """-> (loss, d_real, d_fake) with BCE-with-logits (real 1, fake 0) and autograd."""
    dev = pick(device)
    real = tensor(real_logits, dev).requires_grad_(True)
    fake = tensor(fake_logits, dev).requires_grad_(True)
    loss = (F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
            + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake)))
    d_real, d_fake = torch.autograd.grad(loss, (real, fake))
    return loss.item(), d_real, d_fake


def generator_loss(fake_logits, saturating=False, device=None):
    """-> (loss, d_fake): BCE-with-logits against 1 (non-saturating) or minus BCE against 0 (saturating)."""
    dev = pick(device)
    fake = tensor(fake_logits, dev).requires_grad_(True)
    if saturating:
        loss = -F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake))
    else:
        loss = F.binary_cross_entropy_with_logits(fake, torch.ones_like(fake))
    (d_fake,) = torch.autograd.grad(loss, (fake,))
    return loss.item(), d_fake


def _mlp(params, x):
    for k, (W, b) in enumerate(params):
        x = x @ W + b
        if k < len(params) - 1:
            x = torch.tanh(x)
    return x


def gan_step(gen, disc, real, z, lr, saturating=False, device=None):
    """The NumPy reference's step with autograd -> (gen, disc, d_loss, g_loss) as tensors."""
    dev = pick(device)
    gen = [(tensor(W, dev).requires_grad_(True), tensor(b, dev).requires_grad_(True)) for W, b in gen]
    disc = [(tensor(W, dev).requires_grad_(True), tensor(b, dev).requires_grad_(True)) for W, b in disc]
    real, z = tensor(real, dev), tensor(z, dev)
    fake = _mlp(gen, z).detach()
    d_loss, _, _ = discriminator_loss(_mlp(disc, real)[:, 0], _mlp(disc, fake)[:, 0], dev)
    ones = torch.ones(len(real), dtype=real.dtype, device=dev)
    zeros = torch.zeros(len(fake), dtype=real.dtype, device=dev)
    loss = (F.binary_cross_entropy_with_logits(_mlp(disc, real)[:, 0], ones)
            + F.binary_cross_entropy_with_logits(_mlp(disc, fake)[:, 0], zeros))
    flat = [p for layer in disc for p in layer]
    grads = torch.autograd.grad(loss, flat)
    disc = [(W - lr * gW, b - lr * gb) for (W, b), gW, gb in zip(disc, grads[0::2], grads[1::2])]
    disc = [(W.detach(), b.detach()) for W, b in disc]
    logits = _mlp(disc, _mlp(gen, z))[:, 0]
    target = torch.zeros_like(logits) if saturating else torch.ones_like(logits)
    g_loss = F.binary_cross_entropy_with_logits(logits, target) * (-1 if saturating else 1)
    flat = [p for layer in gen for p in layer]
    grads = torch.autograd.grad(g_loss, flat)
    gen = [(W - lr * gW, b - lr * gb) for (W, b), gW, gb in zip(gen, grads[0::2], grads[1::2])]
    return [(W.detach(), b.detach()) for W, b in gen], disc, d_loss, g_loss.item()


def build_mlp(params, device=None, dtype=torch.float64):
    """The NumPy layers [(W, b), ...] as ``nn.Sequential`` of ``nn.Linear`` and ``nn.Tanh``.

    nn.Linear stores the transpose of our W (n_out, n_in); the last layer is linear.
    """
    dev, layers = pick(device), []
    dtype = float_dtype(dev, dtype)  # float32 where the device has no float64 (MPS)
    for W, b in params:
        linear = torch.nn.Linear(*W.shape, device=dev, dtype=dtype)
        with torch.no_grad():  # the NumPy initial weights, so both libraries start alike
            linear.weight.copy_(tensor(W, dev, dtype).T)
            linear.bias.copy_(tensor(b, dev, dtype))
        layers += [linear, torch.nn.Tanh()]
    return torch.nn.Sequential(*layers[:-1])


def train_gan(gen, disc, sample_real, steps, batch, lr, seed=0, every=100, n_show=500,
              progress=None, optimizer="sgd", betas=(0.5, 0.999), g_steps=1,
              device=None, dtype=torch.float64):
    """The NumPy reference's ``train_gan`` with nn.Modules, autograd and a torch optimizer.

    Same data, noise and initial weights (NumPy arrays ``gen``, ``disc``) -> (G, D, history),
    G and D ``nn.Sequential``, history as the reference's (losses as floats, samples as
    NumPy arrays). With ``optimizer="sgd"`` and ``g_steps=1`` it computes what the NumPy
    reference computes; ``"adam"`` uses ``torch.optim.Adam(lr, betas)``. ``g_steps > 1``
    gives the generator that many steps per discriminator step, each after the first on
    fresh noise.
    """
    dev = pick(device)
    dtype = float_dtype(dev, dtype)  # float32 where the device has no float64 (MPS)
    G, D = build_mlp(gen, dev, dtype), build_mlp(disc, dev, dtype)
    make = (lambda p: torch.optim.SGD(p, lr=lr)) if optimizer == "sgd" else (
        lambda p: torch.optim.Adam(p, lr=lr, betas=betas))
    opt_g, opt_d = make(G.parameters()), make(D.parameters())
    rng, k = np.random.default_rng(seed), gen[0][0].shape[0]

    def as_t(a):
        return tensor(a, dev, dtype)
    z_show = as_t(np.random.default_rng([seed, 1]).normal(size=(n_show, k)))

    def show():
        with torch.no_grad():
            return numpy(G(z_show))

    history = {"d_loss": [], "g_loss": [], "samples": {0: show()}}
    for step in (progress or range)(steps):
        real = as_t(sample_real(batch, rng))
        z = as_t(rng.normal(size=(batch, k)))
        real_logits, fake_logits = D(real)[:, 0], D(G(z).detach())[:, 0]
        d_loss = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
                  + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        for extra in range(g_steps):
            z = z if extra == 0 else as_t(rng.normal(size=(batch, k)))
            fake_logits = D(G(z))[:, 0]
            g_loss = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
            opt_g.zero_grad()
            g_loss.backward()  # also fills D's .grad, which opt_d.zero_grad() clears next step
            opt_g.step()
            if extra == 0:
                history["g_loss"].append(g_loss.item())
        history["d_loss"].append(d_loss.item())
        if (step + 1) % every == 0:
            history["samples"][step + 1] = show()
    return G, D, history
