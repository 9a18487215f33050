"""Batch normalization of a fully connected layer's outputs (chapter 09_regularization).

x: (N, D), one example per row; the statistics are per feature (column), over the batch
(axis 0). Conventions are PyTorch's (``torch.nn.BatchNorm1d``): the batch is normalized
with its biased variance (divide by N), the running variance keeps the unbiased one
(divide by N - 1), and running = (1 - momentum) * running + momentum * batch.
"""

import numpy as np


def batch_statistics(x):
    """x: (N, D), N >= 2 -> (mean (D,), biased variance (D,), unbiased variance (D,))."""
    n = x.shape[0]
    mean = x.mean(axis=0)
    var = ((x - mean) ** 2).mean(axis=0)
    return mean, var, var * n / (n - 1)


def update_running(running, batch, momentum):
    """(1 - momentum) * running + momentum * batch, a new array."""
    return (1.0 - momentum) * running + momentum * batch


def batchnorm_forward(x, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5, train=True):
    """Normalize each feature, then scale by gamma and shift by beta.

    x: (N, D) (N >= 2 in training), gamma, beta, running_mean, running_var: (D,).
    train=True: normalize with the batch mean and biased variance and update the running
    statistics (the variance with the unbiased batch variance); train=False: normalize with
    the running statistics, which come back unchanged.
    -> (out (N, D), new running_mean (D,), new running_var (D,), cache: a dict of plain arrays
    and numbers for ``batchnorm_backward``). Inputs are never changed.
    """
    if train:
        mean, var, unbiased = batch_statistics(x)
        running_mean = update_running(running_mean, mean, momentum)
        running_var = update_running(running_var, unbiased, momentum)
    else:
        mean, var = running_mean, running_var
        running_mean, running_var = running_mean.copy(), running_var.copy()
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = (x - mean) * inv_std
    cache = {"xhat": xhat, "inv_std": inv_std, "gamma": gamma, "train": bool(train)}
    return gamma * xhat + beta, running_mean, running_var, cache


def batchnorm_backward(dout, cache):
    """Backward pass of ``batchnorm_forward``: dout (N, D), cache -> (dx (N, D), dgamma (D,), dbeta (D,)).

    In training the mean and the variance depend on every row of x, which adds two terms:
    dx = inv_std * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), with dxhat = dout * gamma
    and means over the batch. In evaluation they are constants: dx = dxhat * inv_std.
    """
    xhat, inv_std, gamma = cache["xhat"], cache["inv_std"], cache["gamma"]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    if not cache["train"]:
        return dxhat * inv_std, dgamma, dbeta
    dx = inv_std * (dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0))
    return dx, dgamma, dbeta
