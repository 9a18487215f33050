"""PyTorch twin of ``autograder.ref_numpy.rnn`` (chapter 11_rnn).

Forward passes use ``torch.nn.RNN`` (tanh, batch_first) with the book's weights
copied in: PyTorch stores ``weight_ih_l0 = Wx.T`` (H, D), ``weight_hh_l0 = Wh.T``
(H, H) and two biases ``bias_ih_l0 + bias_hh_l0 = b`` (the book has one).
Backward passes come from autograd.
"""

import torch

from autograder.ref_torch._util import pick, tensor


def torch_rnn(Wx, Wh, b, device=None):
    """A ``torch.nn.RNN`` (float64, batch_first) holding the book's (Wx, Wh, b)."""
    dev = pick(device)
    Wx, Wh, b = tensor(Wx, dev), tensor(Wh, dev), tensor(b, dev)
    rnn = torch.nn.RNN(Wx.shape[0], Wx.shape[1], nonlinearity="tanh", batch_first=True).to(dev, Wx.dtype)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(Wx.T)
        rnn.weight_hh_l0.copy_(Wh.T)
        rnn.bias_ih_l0.copy_(b)
        rnn.bias_hh_l0.zero_()
    return rnn


def rnn_step_forward(x, h_prev, Wx, Wh, b, device=None):
    """One step with ``torch.nn.RNN`` on a length-1 sequence -> (h_next, cache)."""
    dev = pick(device)
    x, h_prev = tensor(x, dev), tensor(h_prev, dev)
    out, _ = torch_rnn(Wx, Wh, b, dev)(x[:, None, :], h_prev[None])
    return out[:, 0], (x, h_prev, tensor(Wx, dev), tensor(Wh, dev), tensor(b, dev), out[:, 0])


def rnn_step_backward(dh_next, cache, device=None):
    """Autograd gradients of sum(dh_next * h_next) -> (dx, dh_prev, dWx, dWh, db)."""
    dev = pick(device)
    x, h_prev, Wx, Wh, b = (tensor(t, dev).detach().requires_grad_(True) for t in cache[:5])
    h_next = torch.tanh(x @ Wx + h_prev @ Wh + b)
    return torch.autograd.grad(h_next, (x, h_prev, Wx, Wh, b), grad_outputs=tensor(dh_next, dev))


def rnn_forward(x, h0, Wx, Wh, b, device=None):
    """The whole sequence with ``torch.nn.RNN`` -> (h (N, T, H), cache)."""
    dev = pick(device)
    x, h0 = tensor(x, dev), tensor(h0, dev)
    h, _ = torch_rnn(Wx, Wh, b, dev)(x, h0[None])
    return h, (x, h0, tensor(Wx, dev), tensor(Wh, dev), tensor(b, dev), h)


def rnn_backward(dh, cache, device=None):
    """Autograd through ``torch.nn.RNN`` of sum(dh * h) -> (dx, dh0, dWx, dWh, db)."""
    dev = pick(device)
    x, h0, Wx, Wh, b = (tensor(t, dev).detach().requires_grad_(True) for t in cache[:5])
    rnn = torch.nn.RNN(Wx.shape[0], Wx.shape[1], batch_first=True).to(dev, Wx.dtype)
    params = dict(weight_ih_l0=Wx.T, weight_hh_l0=Wh.T, bias_ih_l0=b, bias_hh_l0=torch.zeros_like(b))
    h, _ = torch.func.functional_call(rnn, params, (x, h0[None]))
    return torch.autograd.grad(h, (x, h0, Wx, Wh, b), grad_outputs=tensor(dh, dev))


def clip_grad_norm(grads, max_norm, device=None):
    """``torch.nn.utils.clip_grad_norm_`` on copies of ``grads`` -> (clipped list, norm before)."""
    dev = pick(device)
    params = [torch.zeros_like(tensor(g, dev), requires_grad=True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = tensor(g, dev).clone()
    norm = torch.nn.utils.clip_grad_norm_(params, max_norm)
    return [p.grad for p in params], float(norm)


def init_rnn(d, h, seed=0, scale=None, device=None):
    """The NumPy reference's initial parameters, as tensors (same seed, same numbers)."""
    from autograder.ref_numpy.rnn import init_rnn as init

    return tuple(tensor(p, pick(device)) for p in init(d, h, seed, scale))
