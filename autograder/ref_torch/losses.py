"""PyTorch twin of ``autograder.ref_numpy.losses`` (chapter 04_softmax_losses).

Built on ``torch.nn.functional``; losses return 0-d tensors (mean over the batch).
"""

import torch
import torch.nn.functional as F

from autograder.ref_torch._util import pick, tensor


def softmax(logits, device=None):
    """logits: (..., C) -> softmax over the last axis, on ``device``."""
    return F.softmax(tensor(logits, pick(device)), dim=-1)


def logsumexp(logits, device=None):
    """logits: (..., C) -> log(sum(exp(z))) over the last axis: (...)."""
    return torch.logsumexp(tensor(logits, pick(device)), dim=-1)


def log_softmax(logits, device=None):
    """logits: (..., C) -> log softmax over the last axis."""
    return F.log_softmax(tensor(logits, pick(device)), dim=-1)


def cross_entropy(logits, labels, device=None):
    """logits: (N, C), labels: (N,) integers -> mean cross-entropy (0-d tensor)."""
    dev = pick(device)
    return F.cross_entropy(tensor(logits, dev), tensor(labels, dev, dtype=torch.long))


def binary_cross_entropy(logits, targets, device=None):
    """logits, targets: same shape -> mean binary cross-entropy from logits (0-d tensor)."""
    dev = pick(device)
    return F.binary_cross_entropy_with_logits(tensor(logits, dev), tensor(targets, dev))


def mae(pred, target, device=None):
    """Mean absolute error over all entries (F.l1_loss)."""
    dev = pick(device)
    return F.l1_loss(tensor(pred, dev), tensor(target, dev))


def mse(pred, target, device=None):
    """Mean squared error over all entries (F.mse_loss)."""
    dev = pick(device)
    return F.mse_loss(tensor(pred, dev), tensor(target, dev))


def rmse(pred, target, device=None):
    """Root mean squared error: sqrt of F.mse_loss."""
    return torch.sqrt(mse(pred, target, device))
