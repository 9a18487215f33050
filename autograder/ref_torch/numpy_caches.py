"""The NumPy references' caches, made and used by PyTorch (for the student kit).

The student kit (``autograder/grading/authoring/student_kit.py``) ships no NumPy reference of a
graded function: each is replaced by its PyTorch twin, NumPy in, NumPy out. Three
twins keep a contract of their own, so the kit calls the functions here instead:

- ``activations``: the twin's cache is a torch graph; here it is the NumPy reference's
  (the output for sigmoid and tanh, x for ReLU, (x, alpha) for Leaky ReLU and ELU), and
  the backward pass is PyTorch's derivative of that cache;
- ``batchnorm``: the twin's backward takes the forward's inputs; here it takes the NumPy
  reference's cache (xhat, inv_std, gamma, train) and runs PyTorch's batch-norm backward;
- ``lstm``: the twins' forwards return no cache; here they return the NumPy reference's
  (inputs, activated gates, cell states), computed with ``torch.nn.LSTMCell``.

Same names, arguments and results as ``autograder.ref_numpy`` (plain NumPy arrays and
numbers); every value comes from PyTorch, the twin or autograd's own derivative
kernels. ``tests/ref/test_numpy_caches.py`` compares each with the NumPy reference.
"""

import numpy as np
import torch

from autograder.ref_torch import activations as t_act
from autograder.ref_torch import batchnorm as t_bn
from autograder.ref_torch import lstm as t_lstm
from autograder.ref_torch._util import numpy, pick, tensor


def _floating(x):
    """x as the float64 NumPy array the NumPy references cache (NumPy in, NumPy out)."""
    return np.asarray(x, dtype=float)


# ---------------------------------------------------------------- activations

def sigmoid_forward(x, device=None):
    """x: any shape -> (sigmoid(x), cache = sigmoid(x)), as ``ref_numpy.activations``."""
    out = numpy(t_act.sigmoid_forward(x, device)[0])
    return out, out


def sigmoid_backward(dout, cache, device=None):
    """dout: like x, cache: the sigmoid's output -> dx, by the kernel autograd runs for torch.sigmoid."""
    dev = pick(device)
    return numpy(torch.ops.aten.sigmoid_backward(tensor(dout, dev), tensor(cache, dev)))


def tanh_forward(x, device=None):
    """x: any shape -> (tanh(x), cache = tanh(x))."""
    out = numpy(t_act.tanh_forward(x, device)[0])
    return out, out


def tanh_backward(dout, cache, device=None):
    """dout: like x, cache: tanh's output -> dx, by the kernel autograd runs for torch.tanh."""
    dev = pick(device)
    return numpy(torch.ops.aten.tanh_backward(tensor(dout, dev), tensor(cache, dev)))


def relu_forward(x, device=None):
    """x: any shape -> (max(0, x), cache = x)."""
    return numpy(t_act.relu_forward(x, device)[0]), _floating(x)


def relu_backward(dout, cache, device=None):
    """dout: like x, cache: x -> dx: the twin's forward redone on x, then autograd."""
    return numpy(t_act.relu_backward(dout, t_act.relu_forward(cache, device)[1]))


def leaky_relu_forward(x, alpha=0.01, device=None):
    """x: any shape -> (Leaky ReLU of x, cache = (x, alpha))."""
    return numpy(t_act.leaky_relu_forward(x, alpha, device)[0]), (_floating(x), alpha)


def leaky_relu_backward(dout, cache, device=None):
    """dout: like x, cache: (x, alpha) -> dx: the twin's forward redone, then autograd."""
    x, alpha = cache
    return numpy(t_act.leaky_relu_backward(dout, t_act.leaky_relu_forward(x, alpha, device)[1]))


def elu_forward(x, alpha=1.0, device=None):
    """x: any shape -> (ELU of x, cache = (x, alpha))."""
    return numpy(t_act.elu_forward(x, alpha, device)[0]), (_floating(x), alpha)


def elu_backward(dout, cache, device=None):
    """dout: like x, cache: (x, alpha) -> dx: the twin's forward redone, then autograd."""
    x, alpha = cache
    return numpy(t_act.elu_backward(dout, t_act.elu_forward(x, alpha, device)[1]))


# ---------------------------------------------------------------- batch normalization

def batchnorm_forward(x, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5, train=True,
                      device=None):
    """x: (N, D), the rest (D,) -> (out, running_mean, running_var, cache), as ``ref_numpy.batchnorm``.

    cache = {"xhat": the normalized x (N, D), "inv_std": 1 / sqrt(var + eps) (D,), "gamma", "train"}:
    xhat is ``batch_norm`` without scale and shift, var the batch's biased variance in
    training and the running variance in evaluation.
    """
    dev = pick(device)
    out, rm, rv = t_bn.batchnorm_forward(x, gamma, beta, running_mean, running_var, momentum, eps, train, dev)
    ones = np.ones(np.shape(gamma))
    xhat, _, _ = t_bn.batchnorm_forward(x, ones, 0 * ones, running_mean, running_var, momentum, eps, train, dev)
    var = tensor(x, dev).var(dim=0, unbiased=False) if train else tensor(running_var, dev)
    cache = {"xhat": numpy(xhat), "inv_std": numpy(torch.rsqrt(var + eps)), "gamma": gamma, "train": bool(train)}
    return numpy(out), numpy(rm), numpy(rv), cache


def batchnorm_backward(dout, cache, device=None):
    """dout: (N, D), cache of ``batchnorm_forward`` -> (dx (N, D), dgamma (D,), dbeta (D,)).

    PyTorch's batch-norm backward kernel (the one autograd runs for ``batch_norm``) given an
    input with that xhat: x = xhat / inv_std, mean 0, and inv_std itself (in evaluation,
    as the running variance 1 / inv_std**2 with eps = 0).
    """
    dev = pick(device)
    xhat, inv_std, gamma = (tensor(cache[k], dev) for k in ("xhat", "inv_std", "gamma"))
    x, zeros = xhat / inv_std, torch.zeros_like(inv_std)
    train = bool(cache["train"])
    grads = torch.ops.aten.native_batch_norm_backward(
        tensor(dout, dev), x, gamma, None if train else zeros, None if train else inv_std ** -2,
        zeros if train else None, inv_std if train else None, train, 0.0, [True, True, True])
    return tuple(numpy(g) for g in grads)


# ---------------------------------------------------------------- LSTM

def _gates(x, h_prev, Wx, Wh, b):
    """The activated gates [i, f, g, o] side by side (N, 4H) of the step torch.nn.LSTMCell takes
    (the cell keeps them to itself): sigmoid, sigmoid, tanh, sigmoid of the four blocks of
    x Wx + h_prev Wh + b, as the module docstring of ``ref_numpy.lstm`` defines them."""
    i, f, g, o = (x @ Wx + h_prev @ Wh + b).chunk(4, dim=1)
    return torch.cat([i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()], dim=1)


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b, device=None):
    """One step -> (h (N, H), c (N, H), cache = (x, h_prev, c_prev, Wx, Wh, b, gates (N, 4H), c))."""
    dev = pick(device)
    h, c = (numpy(v) for v in t_lstm.lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b, dev))
    gates = numpy(_gates(*(tensor(v, dev) for v in (x, h_prev, Wx, Wh, b))))
    return h, c, (x, h_prev, c_prev, Wx, Wh, b, gates, c)


def lstm_forward(x, h0, c0, Wx, Wh, b, device=None):
    """x: (N, T, D), h0, c0: (N, H) -> (h (N, T, H), cache = (x, h0, c0, Wx, Wh, b, gates (N, T, 4H),
    c (N, T, H), h)): ``lstm_step_forward`` at every step."""
    h_t, c_t, hs, cs, gates = h0, c0, [], [], []
    for t in range(np.shape(x)[1]):
        h_t, c_t, cache = lstm_step_forward(x[:, t], h_t, c_t, Wx, Wh, b, device)
        hs.append(h_t)
        cs.append(c_t)
        gates.append(cache[6])
    n, hidden = np.shape(h0)
    h, c = (np.stack(v, axis=1) if v else np.empty((n, 0, hidden)) for v in (hs, cs))
    g = np.stack(gates, axis=1) if gates else np.empty((n, 0, 4 * hidden))
    return h, (x, h0, c0, Wx, Wh, b, g, c, h)


#: (topic, name) of ``autograder.ref_numpy`` -> the function here that keeps its contract.
ADAPTERS = {
    **{("activations", f.__name__): f for f in (
        sigmoid_forward, sigmoid_backward, tanh_forward, tanh_backward, relu_forward, relu_backward,
        leaky_relu_forward, leaky_relu_backward, elu_forward, elu_backward)},
    ("batchnorm", "batchnorm_forward"): batchnorm_forward,
    ("batchnorm", "batchnorm_backward"): batchnorm_backward,
    ("lstm", "lstm_step_forward"): lstm_step_forward,
    ("lstm", "lstm_forward"): lstm_forward,
}
