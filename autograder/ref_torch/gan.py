"""PyTorch twin of ``autograder.ref_numpy.gan`` (chapter 13_gan): losses from
``F.binary_cross_entropy_with_logits``, gradients and the step from autograd."""

import torch
import torch.nn.functional as F

from autograder.ref_torch._util import pick, tensor


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
    loss = (F.binary_cross_entropy_with_logits(_mlp(disc, real)[:, 0], torch.ones(len(real), dtype=real.dtype, device=dev))
            + F.binary_cross_entropy_with_logits(_mlp(disc, fake)[:, 0], torch.zeros(len(fake), dtype=real.dtype, device=dev)))
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
