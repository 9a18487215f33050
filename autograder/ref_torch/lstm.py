"""PyTorch twin of ``autograder.ref_numpy.lstm`` (chapter 12_lstm).

Forward passes use ``torch.nn.LSTMCell`` and ``torch.nn.LSTM`` with the book's weights
copied in (``weight_ih = Wx.T``, ``weight_hh = Wh.T``, ``bias_ih = b``, ``bias_hh = 0``;
the gate order i, f, g, o is PyTorch's). Backward passes come from autograd.
"""

import torch

from autograder.ref_torch._util import pick, tensor


def _weights(Wx, Wh, b, dev):
    Wx, Wh, b = tensor(Wx, dev), tensor(Wh, dev), tensor(b, dev)
    return dict(weight_ih=Wx.T, weight_hh=Wh.T, bias_ih=b, bias_hh=torch.zeros_like(b))


def torch_lstm_cell(Wx, Wh, b, device=None):
    """A ``torch.nn.LSTMCell`` (float64) holding the book's (Wx, Wh, b)."""
    dev = pick(device)
    w = _weights(Wx, Wh, b, dev)
    cell = torch.nn.LSTMCell(w["weight_ih"].shape[1], w["weight_hh"].shape[1]).to(dev, w["bias_ih"].dtype)
    with torch.no_grad():
        for name, value in w.items():
            getattr(cell, name).copy_(value)
    return cell


def torch_lstm(Wx, Wh, b, device=None):
    """A ``torch.nn.LSTM`` (float64, batch_first) holding the book's (Wx, Wh, b)."""
    dev = pick(device)
    w = _weights(Wx, Wh, b, dev)
    lstm = torch.nn.LSTM(w["weight_ih"].shape[1], w["weight_hh"].shape[1], batch_first=True)
    lstm = lstm.to(dev, w["bias_ih"].dtype)
    with torch.no_grad():
        for name, value in w.items():
            getattr(lstm, name + "_l0").copy_(value)
    return lstm


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b, device=None):
    """One step with ``torch.nn.LSTMCell`` -> (h, c)."""
    dev = pick(device)
    return torch_lstm_cell(Wx, Wh, b, dev)(tensor(x, dev), (tensor(h_prev, dev), tensor(c_prev, dev)))


def lstm_step_backward(dh, dc, cache, device=None):
    """Autograd gradients of sum(dh * h + dc * c) through ``LSTMCell`` -> (dx, dh_prev, dc_prev, dWx, dWh, db)."""
    dev = pick(device)
    x, h_prev, c_prev, Wx, Wh, b = (tensor(t, dev).detach().requires_grad_(True) for t in cache[:6])
    cell = torch.nn.LSTMCell(Wx.shape[0], Wh.shape[0]).to(dev, Wx.dtype)
    params = dict(weight_ih=Wx.T, weight_hh=Wh.T, bias_ih=b, bias_hh=torch.zeros_like(b))
    h, c = torch.func.functional_call(cell, params, (x, (h_prev, c_prev)))
    return torch.autograd.grad((h, c), (x, h_prev, c_prev, Wx, Wh, b),
                               grad_outputs=(tensor(dh, dev), tensor(dc, dev)))


def lstm_forward(x, h0, c0, Wx, Wh, b, device=None):
    """The whole sequence with ``torch.nn.LSTM`` -> h (N, T, H)."""
    dev = pick(device)
    h, _ = torch_lstm(Wx, Wh, b, dev)(tensor(x, dev), (tensor(h0, dev)[None], tensor(c0, dev)[None]))
    return h


def lstm_backward(dh, cache, device=None):
    """Autograd through ``torch.nn.LSTM`` of sum(dh * h) -> (dx, dh0, dc0, dWx, dWh, db)."""
    dev = pick(device)
    x, h0, c0, Wx, Wh, b = (tensor(t, dev).detach().requires_grad_(True) for t in cache[:6])
    lstm = torch.nn.LSTM(Wx.shape[0], Wh.shape[0], batch_first=True).to(dev, Wx.dtype)
    params = dict(weight_ih_l0=Wx.T, weight_hh_l0=Wh.T, bias_ih_l0=b, bias_hh_l0=torch.zeros_like(b))
    h, _ = torch.func.functional_call(lstm, params, (x, (h0[None], c0[None])))
    return torch.autograd.grad(h, (x, h0, c0, Wx, Wh, b), grad_outputs=tensor(dh, dev))


def init_lstm(d, h, seed=0, forget_bias=0.0, device=None):
    """The NumPy reference's initial parameters, as tensors (same seed, same numbers)."""
    from autograder.ref_numpy.lstm import init_lstm as init

    return tuple(tensor(p, pick(device)) for p in init(d, h, seed, forget_bias))
