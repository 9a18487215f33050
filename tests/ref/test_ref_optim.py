"""ref_numpy.optim against ref_torch.optim and torch.optim (SGD, Adagrad, RMSprop, Adam, AdamW), and facts."""

import numpy as np
import pytest
import torch

from autograder.checks.compare import DEVICE, F64
from autograder.ref_numpy import optim as ref
from autograder.ref_torch import optim as ref_torch
from autograder.ref_torch._util import numpy


@pytest.mark.parametrize("shape", [(3, 4), (5,), (), (0, 2)])
def test_sgd_numpy_matches_torch(shape, dev):
    rng = np.random.default_rng(len(shape))
    w, dw = rng.normal(size=shape), rng.normal(size=shape)
    next_w, state = ref.sgd_step(w, dw, None, lr=0.3)
    np.testing.assert_allclose(next_w, numpy(ref_torch.sgd_step(w, dw, None, 0.3, dev)[0]), **DEVICE)
    assert state is None and np.shape(next_w) == shape


def test_sgd_matches_torch_optim_sgd():
    rng = np.random.default_rng(0)
    w, dw = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    param = torch.nn.Parameter(torch.tensor(w))
    param.grad = torch.tensor(dw)
    torch.optim.SGD([param], lr=0.05).step()
    np.testing.assert_allclose(ref.sgd_step(w, dw, None, 0.05)[0], param.detach().numpy(), **F64)


def test_sgd_leaves_inputs_and_passes_state_through():
    w, dw, state = np.ones(3), np.full(3, 2.0), {"anything": 1}
    next_w, same = ref.sgd_step(w, dw, state, lr=0.5)
    np.testing.assert_array_equal(w, np.ones(3))
    np.testing.assert_array_equal(next_w, np.zeros(3))
    assert same is state


def test_extreme_values(dev):
    w, dw = np.array([1e300, -1e300, 0.0]), np.array([1e-300, 1e300, -1e4])
    next_w, _ = ref.sgd_step(w, dw, None, 1e-3)
    np.testing.assert_allclose(next_w, [1e300, -1e300 - 1e297, 10.0], **F64)
    np.testing.assert_allclose(next_w, numpy(ref_torch.sgd_step(w, dw, None, 1e-3, dev)[0]), **DEVICE)


@pytest.mark.parametrize("lr,converges", [(0.1, True), (0.9, True), (1.1, False)])
def test_learning_rate_threshold_on_a_parabola(lr, converges):
    """On C(w) = w^2 (curvature 2) a step multiplies w by 1 - 2 lr: it converges iff lr < 1."""
    w = np.array(1.0)
    for _ in range(200):
        w, _ = ref.sgd_step(w, 2 * w, None, lr)
    assert (abs(w) < 1e-6) == converges


# ---------------------------------------------------------------- chapter 08: momentum, AdaGrad, RMSprop, Adam(W)

#: (step name, hyperparameters) covering every flag; the learning rate is varied per step.
SETTINGS = [
    ("momentum_step", dict(lr=0.05, momentum=0.9)),
    ("momentum_step", dict(lr=0.05, momentum=0.5, nesterov=True)),
    ("momentum_step", dict(lr=0.05, momentum=0.0)),
    ("adagrad_step", dict(lr=0.1, eps=1e-10)),
    ("rmsprop_step", dict(lr=0.01, alpha=0.9, eps=1e-8)),
    ("rmsprop_step", dict(lr=0.01, alpha=0.99, eps=1e-3)),
    ("adam_step", dict(lr=0.01)),
    ("adam_step", dict(lr=0.01, beta1=0.5, beta2=0.9, eps=1e-4, weight_decay=0.1)),
    ("adam_step", dict(lr=0.01, weight_decay=0.1, decoupled=True)),
    ("adam_step", dict(lr=0.02, weight_decay=0.0, decoupled=True)),
]


def _chain(step, hyper, w, grads, lrs, **extra):
    """Run ``step`` over the given gradients and learning rates -> list of next_w (as NumPy)."""
    out, state = [], None
    for g, lr in zip(grads, lrs):
        w, state = step(w, g, state, **dict(hyper, lr=lr), **extra)
        w = numpy(w) if isinstance(w, torch.Tensor) else w
        out.append(w)
    return out


def _problem(seed, shape=(3, 4), steps=60):
    rng = np.random.default_rng(seed)
    return rng.normal(size=shape), rng.normal(size=(steps, *shape)), rng.uniform(0.5, 1.5, size=steps)


@pytest.mark.parametrize("name,hyper", SETTINGS)
def test_numpy_matches_twin_over_many_steps(name, hyper, dev):
    w, grads, scale = _problem(1)
    lrs = hyper["lr"] * scale
    mine = _chain(getattr(ref, name), hyper, w, grads, lrs)
    twin = _chain(getattr(ref_torch, name), hyper, w, grads, lrs, device=dev)
    for k, (a, b) in enumerate(zip(mine, twin)):
        np.testing.assert_allclose(a, b, **DEVICE, err_msg=f"step {k}")


def _torch_optimizer(name, hyper, params):
    """A persistent torch.optim optimizer with the reference's hyperparameters."""
    h = dict(hyper)
    if name == "momentum_step":
        return torch.optim.SGD(params, lr=h["lr"], momentum=h["momentum"], nesterov=h.get("nesterov", False))
    if name == "adagrad_step":
        return torch.optim.Adagrad(params, lr=h["lr"], eps=h["eps"])
    if name == "rmsprop_step":
        return torch.optim.RMSprop(params, lr=h["lr"], alpha=h["alpha"], eps=h["eps"])
    kind = torch.optim.AdamW if h.pop("decoupled", False) else torch.optim.Adam
    betas = (h.pop("beta1", 0.9), h.pop("beta2", 0.999))
    return kind(params, betas=betas, **h)


@pytest.mark.parametrize("name,hyper", SETTINGS)
def test_numpy_matches_one_persistent_torch_optimizer(name, hyper):
    """The twin rebuilds its optimizer at each step; this oracle keeps one, as training does,
    and changes param_groups[0]['lr'] between steps as a scheduler would."""
    w, grads, scale = _problem(2)
    mine = _chain(getattr(ref, name), hyper, w, grads, hyper["lr"] * scale)
    p = torch.nn.Parameter(torch.tensor(w))
    opt = _torch_optimizer(name, hyper, [p])
    for k, (g, s) in enumerate(zip(grads, scale)):
        opt.param_groups[0]["lr"] = hyper["lr"] * s
        p.grad = torch.tensor(g)
        opt.step()
        np.testing.assert_allclose(mine[k], p.detach().numpy(), **F64, err_msg=f"step {k}")


@pytest.mark.parametrize("name,hyper", SETTINGS)
def test_steps_leave_w_dw_and_state_unchanged(name, hyper):
    step = getattr(ref, name)
    rng = np.random.default_rng(3)
    w, dw = rng.normal(size=5), rng.normal(size=5)
    _, state = step(w, dw, None, **hyper)
    saved = {k: np.copy(v) for k, v in state.items()}
    w0, dw0 = w.copy(), dw.copy()
    _, new = step(w, dw, state, **hyper)
    np.testing.assert_array_equal(w, w0)
    np.testing.assert_array_equal(dw, dw0)
    assert new is not state and state.keys() == saved.keys()
    for k in saved:
        np.testing.assert_array_equal(state[k], saved[k])


@pytest.mark.parametrize("name,hyper", SETTINGS)
def test_empty_dict_is_a_first_step_like_none(name, hyper):
    rng = np.random.default_rng(4)
    w, dw = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    a, sa = getattr(ref, name)(w, dw, None, **hyper)
    b, sb = getattr(ref, name)(w, dw, {}, **hyper)
    np.testing.assert_array_equal(a, b)
    assert sa.keys() == sb.keys()


def test_state_is_plain_data():
    """Numbers and float arrays under str keys: what crosses the grader's pipe."""
    from autograder import wire

    w, dw = np.ones(3), np.arange(3.0)
    for name, hyper in SETTINGS:
        _, state = getattr(ref, name)(w, dw, None, **hyper)
        _, state = getattr(ref, name)(w, dw, state, **hyper)
        arrays = []
        wire.encode(state, arrays)  # raises Unserializable for anything else


def test_adam_first_step_moves_each_weight_by_lr():
    """With bias correction, m_hat = g and v_hat = g^2 at t = 1: the step is lr * sign(g)."""
    dw = np.array([3.0, -1e-3, 0.5, -20.0])
    next_w, state = ref.adam_step(np.zeros(4), dw, None, lr=0.01)
    np.testing.assert_allclose(next_w, -0.01 * np.sign(dw), rtol=1e-4)
    assert state["step"] == 1


def test_momentum_lr_placement_agrees_only_for_a_constant_lr():
    """Lecture form v <- beta v + lr g, w <- w - v equals PyTorch's v <- beta v + g, w <- w - lr v
    when lr is constant (v_lecture = lr v_torch), and differs once lr changes."""
    w, grads, scale = _problem(5, shape=(4,), steps=20)

    def lecture(lrs):
        out, v, x = [], np.zeros(4), w
        for g, lr in zip(grads, lrs):
            v = 0.9 * v + lr * g
            x = x - v
            out.append(x)
        return np.array(out)
    const = np.full(20, 0.1)
    torch_form = np.array(_chain(ref.momentum_step, dict(momentum=0.9), w, grads, const))
    np.testing.assert_allclose(lecture(const), torch_form, **F64)
    changing = 0.1 * scale
    torch_form = np.array(_chain(ref.momentum_step, dict(momentum=0.9), w, grads, changing))
    assert np.abs(lecture(changing) - torch_form).max() > 1e-3


def test_adamw_decay_is_not_l2_and_without_decay_both_are_adam():
    w, grads, scale = _problem(6)
    lrs = 0.01 * scale
    plain = _chain(ref.adam_step, dict(), w, grads, lrs)
    for decoupled in (False, True):
        same = _chain(ref.adam_step, dict(weight_decay=0.0, decoupled=decoupled), w, grads, lrs)
        np.testing.assert_allclose(same[-1], plain[-1], **F64)
    l2 = _chain(ref.adam_step, dict(weight_decay=0.5), w, grads, lrs)
    decoupled = _chain(ref.adam_step, dict(weight_decay=0.5, decoupled=True), w, grads, lrs)
    assert np.abs(l2[-1] - decoupled[-1]).max() > 1e-3


@pytest.mark.filterwarnings("ignore:overflow encountered")
@pytest.mark.parametrize("name,hyper", SETTINGS)
def test_extreme_gradients_agree_with_torch(name, hyper, dev):
    """Zero, tiny (squares underflow to 0) and huge (squares overflow to inf) gradients."""
    w = np.array([1.0, -2.0, 0.5, 3.0])
    grads = np.array([[0.0, 1e-300, 1e200, -1e-12]] * 3)
    mine = _chain(getattr(ref, name), hyper, w, grads, [hyper["lr"]] * 3)
    twin = _chain(getattr(ref_torch, name), hyper, w, grads, [hyper["lr"]] * 3, device=dev)
    for a, b in zip(mine, twin):
        np.testing.assert_allclose(a, b, **DEVICE)


def test_rmsprop_and_adagrad_scale_steps_per_coordinate():
    """A gradient 1000x larger in one coordinate gives (nearly) the same first step: the
    division by the root mean square is what 'adaptive' means."""
    dw = np.array([1e3, 1.0])
    for step, hyper in (("rmsprop_step", dict(lr=0.01, alpha=0.9)), ("adagrad_step", dict(lr=0.01))):
        next_w, _ = getattr(ref, step)(np.zeros(2), dw, None, **hyper)
        np.testing.assert_allclose(next_w[0], next_w[1], rtol=1e-6)
