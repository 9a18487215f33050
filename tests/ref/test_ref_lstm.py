"""ref_numpy.lstm against numeric gradients, torch.nn.LSTMCell / torch.nn.LSTM (weights copied in) and autograd."""

import numpy as np
import pytest
import torch

from autograder.checks.compare import DEVICE
from autograder.ref_numpy import lstm as ref
from autograder.ref_torch import lstm as ref_torch
from autograder.ref_torch._util import numpy
from helpers.numeric import numeric_grad

#: Central differences (h = 1e-6) of a smooth function of order-1 values: truncation ~h², rounding ~1e-10.
NUMERIC = dict(rtol=1e-5, atol=1e-8)
#: The sequence pass against the step-by-step one: the same float64 operations, regrouped.
SAME = dict(rtol=1e-12, atol=1e-14)
SHAPES = [(3, 5, 4, 6), (1, 1, 1, 1), (2, 7, 3, 3), (4, 2, 6, 2)]


def case(seed, n, t, d, h, forget_bias=0.0):
    """x (N, T, D), h0, c0 (N, H), Wx, Wh, b, dh (N, T, H), dc (N, H): all seeded."""
    rng = np.random.default_rng(seed)
    Wx, Wh, b = ref.init_lstm(d, h, seed, forget_bias)
    return (rng.normal(size=(n, t, d)), rng.normal(size=(n, h)), rng.normal(size=(n, h)), Wx, Wh, b,
            rng.normal(size=(n, t, h)), rng.normal(size=(n, h)))


def test_step_follows_the_equations_in_torch_gate_order():
    x, h0, c0, Wx, Wh, b, _, _ = case(0, 3, 1, 4, 5)
    h, c, cache = ref.lstm_step_forward(x[:, 0], h0, c0, Wx, Wh, b)
    a = x[:, 0] @ Wx + h0 @ Wh + b
    def sig(z):
        return 1 / (1 + np.exp(-z))
    i, f, g, o = sig(a[:, :5]), sig(a[:, 5:10]), np.tanh(a[:, 10:15]), sig(a[:, 15:])
    np.testing.assert_allclose(c, f * c0 + i * g, **SAME)
    np.testing.assert_allclose(h, o * np.tanh(c), **SAME)
    assert len(cache) == 8 and cache[0] is not None and cache[7] is c
    np.testing.assert_allclose(cache[6], np.concatenate([i, f, g, o], axis=1), **SAME)


@pytest.mark.parametrize("n,t,d,h", SHAPES)
def test_step_matches_lstm_cell(n, t, d, h, dev):
    x, h0, c0, Wx, Wh, b, _, _ = case(n + d, n, 1, d, h)
    mine_h, mine_c, _ = ref.lstm_step_forward(x[:, 0], h0, c0, Wx, Wh, b)
    their_h, their_c = ref_torch.lstm_step_forward(x[:, 0], h0, c0, Wx, Wh, b, dev)
    np.testing.assert_allclose(mine_h, numpy(their_h), **DEVICE)
    np.testing.assert_allclose(mine_c, numpy(their_c), **DEVICE)


@pytest.mark.parametrize("n,t,d,h", SHAPES)
def test_step_backward_matches_autograd(n, t, d, h, dev):
    x, h0, c0, Wx, Wh, b, dh, dc = case(3 + n, n, 1, d, h)
    _, _, cache = ref.lstm_step_forward(x[:, 0], h0, c0, Wx, Wh, b)
    mine = ref.lstm_step_backward(dh[:, 0], dc, cache)
    for got, want, like in zip(mine, ref_torch.lstm_step_backward(dh[:, 0], dc, cache, dev),
                               (x[:, 0], h0, c0, Wx, Wh, b)):
        assert got.shape == like.shape
        np.testing.assert_allclose(got, numpy(want), **DEVICE)


def test_step_backward_matches_numeric_gradients():
    x, h0, c0, Wx, Wh, b, dh, dc = case(5, 3, 1, 2, 3)
    x = x[:, 0]

    def loss():
        h, c, _ = ref.lstm_step_forward(x, h0, c0, Wx, Wh, b)
        return float(np.sum(dh[:, 0] * h) + np.sum(dc * c))
    grads = ref.lstm_step_backward(dh[:, 0], dc, ref.lstm_step_forward(x, h0, c0, Wx, Wh, b)[2])
    for mine, wrt in zip(grads, (x, h0, c0, Wx, Wh, b)):
        np.testing.assert_allclose(mine, numeric_grad(loss, wrt), **NUMERIC)


@pytest.mark.parametrize("n,t,d,h", SHAPES)
def test_forward_matches_torch_nn_lstm_and_the_steps(n, t, d, h, dev):
    x, h0, c0, Wx, Wh, b, _, _ = case(n + t, n, t, d, h)
    out, cache = ref.lstm_forward(x, h0, c0, Wx, Wh, b)
    assert out.shape == (n, t, h) and cache[0] is x and len(cache) == 9
    np.testing.assert_allclose(out, numpy(ref_torch.lstm_forward(x, h0, c0, Wx, Wh, b, dev)), **DEVICE)
    h_t, c_t = h0, c0
    for step in range(t):  # the fused sequence pass is the step function applied T times
        h_t, c_t, step_cache = ref.lstm_step_forward(x[:, step], h_t, c_t, Wx, Wh, b)
        np.testing.assert_allclose(out[:, step], h_t, **SAME)
        np.testing.assert_allclose(cache[7][:, step], c_t, **SAME)
        np.testing.assert_allclose(cache[6][:, step], step_cache[6], **SAME)


@pytest.mark.parametrize("n,t,d,h", SHAPES)
def test_bptt_matches_autograd(n, t, d, h, dev):
    x, h0, c0, Wx, Wh, b, dh, _ = case(7 + t, n, t, d, h)
    _, cache = ref.lstm_forward(x, h0, c0, Wx, Wh, b)
    for mine, theirs, like in zip(ref.lstm_backward(dh, cache), ref_torch.lstm_backward(dh, cache, dev),
                                  (x, h0, c0, Wx, Wh, b)):
        assert mine.shape == like.shape
        np.testing.assert_allclose(mine, numpy(theirs), **DEVICE)


@pytest.mark.parametrize("n,t,d,h", SHAPES[:3])
def test_bptt_matches_numeric_gradients(n, t, d, h):
    x, h0, c0, Wx, Wh, b, dh, _ = case(11, n, t, d, h)
    def loss():
        return float(np.sum(dh * ref.lstm_forward(x, h0, c0, Wx, Wh, b)[0]))
    grads = ref.lstm_backward(dh, ref.lstm_forward(x, h0, c0, Wx, Wh, b)[1])
    for mine, wrt in zip(grads, (x, h0, c0, Wx, Wh, b)):
        np.testing.assert_allclose(mine, numeric_grad(loss, wrt), **NUMERIC)


def test_forward_leaves_its_inputs_alone():
    x, h0, c0, Wx, Wh, b, dh, _ = case(2, 2, 4, 3, 3)
    args = (x, h0, c0, Wx, Wh, b)
    copies = [a.copy() for a in args]
    _, cache = ref.lstm_forward(*args)
    ref.lstm_backward(dh, cache)
    assert all(np.array_equal(a, c) for a, c in zip(args, copies))


def test_float32_stays_float32():
    x, h0, c0, Wx, Wh, b, dh, _ = (a.astype(np.float32) for a in case(4, 2, 3, 2, 3))
    h, cache = ref.lstm_forward(x, h0, c0, Wx, Wh, b)
    assert h.dtype == np.float32 and cache[6].dtype == np.float32
    assert all(g.dtype == np.float32 for g in ref.lstm_backward(dh, cache))


def test_extreme_inputs_stay_finite():
    """Pre-activations of ±1e4: the gates saturate to 0 or 1 without overflow warnings or NaN."""
    x, h0, c0, Wx, Wh, b, dh, _ = case(6, 3, 4, 2, 5)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is the right answer
        h, cache = ref.lstm_forward(1e4 * x, h0, c0, Wx, Wh, b)
        grads = ref.lstm_backward(dh, cache)
    assert np.all(np.isfinite(h)) and all(np.all(np.isfinite(g)) for g in grads)
    assert np.all(np.abs(cache[6]) <= 1.0) and np.any(cache[6] == 1.0) and np.any(cache[6] == 0.0)


def test_cell_path_gradient_is_the_forget_gate():
    """∂c_t/∂c_{t-1} = f_t: with dh = 0 the gradient handed back on c_prev is dc ⊙ f."""
    x, h0, c0, Wx, Wh, b, dh, dc = case(8, 3, 1, 2, 4)
    _, _, cache = ref.lstm_step_forward(x[:, 0], h0, c0, Wx, Wh, b)
    dc_prev = ref.lstm_step_backward(np.zeros_like(h0), dc, cache)[2]
    np.testing.assert_allclose(dc_prev, dc * cache[6][:, 4:8], **SAME)


def test_init_matches_torch_layout():
    Wx, Wh, b = ref.init_lstm(4, 9, seed=3, forget_bias=1.0)
    k = 1 / 3
    assert Wx.shape == (4, 36) and Wh.shape == (9, 36) and b.shape == (36,)
    assert np.all(np.abs(Wx) <= k) and np.all(np.abs(Wh) <= k)
    assert np.all(b[9:18] >= 1 - k) and np.all(np.abs(np.delete(b, np.s_[9:18])) <= k)
    cell = ref_torch.torch_lstm_cell(Wx, Wh, b, "cpu")
    assert cell.weight_ih.shape == torch.Size([36, 4]) and cell.weight_hh.shape == torch.Size([36, 9])
    np.testing.assert_array_equal(numpy(cell.bias_ih + cell.bias_hh), b)


# ---------------------------------------------------------------- the long-lag task (ref_numpy.memory_task)

def test_first_sign_puts_the_label_in_the_first_step_only():
    from autograder.ref_numpy.memory_task import first_sign
    x, y = first_sign(200, 30, seed=1, noise=0.5)
    assert x.shape == (200, 30, 2) and x.dtype == np.float32 and set(np.unique(y)) == {0, 1}
    np.testing.assert_array_equal(x[:, 0, 0], 2.0 * y - 1)
    assert np.all(x[:, 0, 1] == 1) and not np.any(x[:, 1:, 1])
    assert abs(float(np.std(x[:, 1:, 0])) - 0.5) < 0.05  # noise of the stated size, independent of y
    np.testing.assert_array_equal(first_sign(200, 30, seed=1)[0], x)


def test_lag_norms_walk_back_like_bptt():
    """The step-by-step walk of gradient_norm_by_lag ends where lstm_backward / rnn_backward end."""
    from autograder.ref_numpy import rnn
    from autograder.ref_numpy.memory_task import gradient_norm_by_lag
    rng = np.random.default_rng(0)
    n, t, h = 3, 7, 4
    x = rng.normal(size=(n, t, 1))
    g = np.random.default_rng(5).normal(size=(n, h))
    g /= np.linalg.norm(g, axis=1, keepdims=True)
    dh = np.zeros((n, t, h))
    dh[:, -1] = g
    params = ref.init_lstm(1, h, seed=2, forget_bias=1.0)
    norms = gradient_norm_by_lag("lstm", x, params, seed=5)
    _, cache = ref.lstm_forward(x, np.zeros((n, h)), np.zeros((n, h)), *params)
    _, dh0, dc0, *_ = ref.lstm_backward(dh, cache)
    assert norms["h"].shape == norms["c"].shape == (t,)
    assert norms["h"][-1] == pytest.approx(np.mean(np.linalg.norm(dh0, axis=1)), rel=1e-12)
    assert norms["c"][-1] == pytest.approx(np.mean(np.linalg.norm(dc0, axis=1)), rel=1e-12)
    rnn_params = rnn.init_rnn(1, h, seed=2)
    rnn_norms = gradient_norm_by_lag("rnn", x, rnn_params, seed=5)
    _, rcache = rnn.rnn_forward(x, np.zeros((n, h)), *rnn_params)
    assert rnn_norms["c"] is None
    assert rnn_norms["h"][-1] == pytest.approx(np.mean(np.linalg.norm(rnn.rnn_backward(dh, rcache)[1], axis=1)),
                                               rel=1e-12)


def test_open_forget_gates_keep_the_cell_gradient():
    """Forget bias 0 (f ≈ 0.5): the cell gradient 30 steps back vanishes; bias 5 (f ≈ 0.99): it does not."""
    from autograder.ref_numpy.memory_task import gradient_norm_by_lag
    x = 0.1 * np.random.default_rng(0).normal(size=(4, 30, 1))
    closed = gradient_norm_by_lag("lstm", x, ref.init_lstm(1, 8, seed=0, forget_bias=0.0))["c"]
    open_ = gradient_norm_by_lag("lstm", x, ref.init_lstm(1, 8, seed=0, forget_bias=5.0))["c"]
    assert closed[-1] < 1e-6 * closed[0]  # 0.5**29 ≈ 2e-9
    assert open_[-1] > 0.5 * open_[0]


def test_training_runs_and_records_history(dev):
    from autograder.ref_torch.memory_task import train
    model, hist = train("LSTM", steps=5, iterations=20, hidden=4, batch=8, every=5, forget_bias=1.0, device=dev)
    assert list(hist["iteration"]) == [5, 10, 15, 20] and hist["loss"].shape == (20,)
    assert np.all((hist["accuracy"] >= 0) & (hist["accuracy"] <= 1)) and np.all(np.isfinite(hist["loss"]))
    _, again = train("LSTM", steps=5, iterations=20, hidden=4, batch=8, every=5, forget_bias=1.0, device=dev)
    np.testing.assert_allclose(again["loss"], hist["loss"], rtol=1e-5)  # seeded


def test_forget_bias_lands_in_the_forget_block():
    from autograder.ref_torch.memory_task import Reader
    torch.manual_seed(0)
    plain = Reader("LSTM", 2, 4, 2).recurrent.bias_hh_l0.detach().numpy()
    torch.manual_seed(0)
    raised = Reader("LSTM", 2, 4, 2, forget_bias=3.0).recurrent.bias_hh_l0.detach().numpy()
    np.testing.assert_allclose(raised - plain, [0] * 4 + [3] * 4 + [0] * 8, atol=1e-6)  # blocks i, f, g, o


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_lag_norms_match_autograd(cell, dev):
    """The NumPy walk back and autograd through torch.nn.LSTMCell (or the RNN cell) give the same curve."""
    from autograder.ref_numpy import rnn
    from autograder.ref_numpy.memory_task import gradient_norm_by_lag
    from autograder.ref_torch.memory_task import gradient_norm_by_lag as twin
    x = np.random.default_rng(1).normal(size=(3, 12, 2))
    params = rnn.init_rnn(2, 5, seed=4) if cell == "rnn" else ref.init_lstm(2, 5, seed=4, forget_bias=1.0)
    mine, theirs = gradient_norm_by_lag(cell, x, params, seed=2), twin(cell, x, params, seed=2, device=dev)
    for key in ("h", "c") if cell == "lstm" else ("h",):
        np.testing.assert_allclose(mine[key], theirs[key], **DEVICE)
