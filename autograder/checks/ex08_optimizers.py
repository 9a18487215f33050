"""Checks of exercise 08_optimizers: momentum (and Nesterov), RMSprop, Adam (and AdamW),
and the StepLR and cosine learning-rate schedules.

An optimizer check runs the student's step for many steps on a random noisy quadratic,
feeding back the state the student's own function returned, with a learning rate that
changes from step to step as under a scheduler. At every step the student sees the
reference's weights and gradient (so one wrong step cannot derail the rest) and the
result is compared with ``ref_numpy.optim`` and with ``torch.optim`` itself (through
``ref_torch.optim``). Known mistakes run as parallel chains fed the same inputs, so a
wrong answer is named even when it only shows after many steps.
"""

import copy
import math

import numpy as np

from autograder.checks.compare import (DEVICE, F64, assert_close, assert_plain_data, call, diagnose, explains, fail,
                                       narrow, ok, plain, torch_twin, unpack)
from autograder.checks.messages import say
from autograder.ref_numpy import optim as ref_optim
from autograder.ref_numpy import schedules as ref_sched

#: Most optimizer checks: enough steps for the state to matter (the issue asks >= 50).
STEPS = 60

#: Said by every optimizer check (an English template: say(UPHILL_HINT)).
UPHILL_HINT = ("the step goes against the gradient, downhill: subtract the update from w (w - lr * ...); "
               "you added it.")


# ---------------------------------------------------------------- the test problem

def _problem(seed, shape, steps, lr):
    """(w0, gradient(w, k), learning rates) of a random noisy quadratic.

    The gradient is S * (A (w - c) + noise_k) with A symmetric positive definite and a
    per-entry scale S between 1e-4 and 1, so that epsilon matters for some entries;
    the learning rate of step k is lr times a random factor in [0.5, 1.5].
    """
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    M = rng.normal(size=(n, n)) / math.sqrt(n)
    A, c = M @ M.T + 0.1 * np.eye(n), rng.normal(size=shape)
    scale = 10.0 ** rng.uniform(-4, 0, size=shape)
    noise = rng.normal(scale=0.5, size=(steps, *shape))

    def gradient(w, k):
        return scale * ((A @ (w - c).ravel()).reshape(shape) + noise[k])
    return rng.normal(size=shape), gradient, lr * rng.uniform(0.5, 1.5, size=steps)


def _fmt(hyper):
    return ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in hyper.items())


def _check_state(label, state):
    """The returned state must be a dict of plain data (it crosses the grader's pipe)."""
    if not isinstance(state, dict):
        fail(say("{label}[1] (state) should be a dict holding what the next step needs, got {kind}. "
                 "Did you forget to return the new state?", label=label, kind=type(state).__name__))
    assert_plain_data(say("{label}[1] (state)", label=label), state,
                      say("Keep it a dict with str keys of NumPy arrays and numbers."))


def _run(student, name, hyper, seed, shape, steps, mistakes, base_hint):
    """Chain the student's step against the reference, torch.optim and the mistakes."""
    twin_optim, dev, numpy = torch_twin("optim")
    ref_step, twin_step = getattr(ref_optim, name), getattr(twin_optim, name)
    w, gradient, lrs = _problem(seed, shape, steps, hyper["lr"])
    s_state = r_state = t_state = None
    m_states = dict.fromkeys(mistakes)
    for k in range(steps):
        g, h = gradient(w, k), dict(hyper, lr=float(lrs[k]))
        label = say("{name}(w, dw, state, {hyper}) at step {k} of {steps}, w of shape {shape}",
                    name=name, hyper=_fmt(h), k=k + 1, steps=steps, shape=shape)
        next_w = say("{label}[0] (next_w)", label=label)
        out = unpack(label, call(student, label, w=w, dw=g, state=s_state, **h), 2)
        want, r_state = ref_step(w, g, r_state, **h)
        wrong = {}
        for hint, fn in mistakes.items():
            with np.errstate(all="ignore"):
                wrong[hint], m_states[hint] = fn(w, g, m_states[hint], **h)
        wrong[say(UPHILL_HINT)] = 2 * w - want  # w + step where the answer is w - step
        try:
            got = assert_close(next_w, out[0], want, F64)
        except AssertionError:  # say it again, naming the mistake (diagnose only when needed: speed)
            hits = [hint for hint in mistakes if diagnose(out[0], {hint: wrong[hint]})]
            if len(hits) > 1:  # several mistakes give this step: keep those that also give the next ones
                hits = _narrow(student, {h_: mistakes[h_] for h_ in hits}, m_states, out[1], want, r_state,
                               ref_step, (gradient, lrs, hyper, k, steps))
                wrong = {h_: wrong[h_] for h_ in hits}
            hint = diagnose(out[0], wrong) or _nan_hint(out[0]) or (
                base_hint if k == 0 else say("Steps 1 to {k} were right: look at what the state carries from "
                                             "one call to the next, and at how the learning rate enters. {base}",
                                             k=k, base=base_hint))
            assert_close(next_w, out[0], want, F64, hint)
            raise
        _check_state(label, out[1])
        twin_w, t_state = twin_step(w, g, t_state, **h, device=dev)
        assert_close(say("{label} (against torch.optim)", label=label), got, numpy(twin_w), DEVICE)
        s_state, w = out[1], want


def _narrow(student, candidates, m_states, s_state, w, r_state, ref_step, problem, ahead=5):
    """The hints of ``candidates`` whose chains also give the student's next ``ahead`` steps (all of
    them when the student's function cannot go on): one name for one mistake where step k alone
    fits several (RMSprop's first step is the same without (1 - alpha) and with a bias correction)."""
    gradient, lrs, hyper, k, steps = problem
    chain = {"s_state": s_state, "m_states": m_states, "w": w, "r_state": r_state}  # carried step to step

    def step(j):
        def keep(hints):
            w = chain["w"]
            g, h = gradient(w, j), dict(hyper, lr=float(lrs[j]))
            try:
                with np.errstate(all="ignore"):
                    got, chain["s_state"] = student(w.copy(), g.copy(), copy.deepcopy(chain["s_state"]), **h)
                    outs = {hint: candidates[hint](w, g, chain["m_states"][hint], **h) for hint in hints}
            except Exception:  # noqa: BLE001 - the student's step fails on its own state: keep what we have
                return None
            same = [hint for hint in hints if diagnose(got, {hint: outs[hint][0]})]
            chain["m_states"] = {hint: outs[hint][1] for hint in same}
            chain["w"], chain["r_state"] = ref_step(w, g, chain["r_state"], **h)
            return same
        return keep
    return narrow(candidates, (step(j) for j in range(k + 1, min(k + 1 + ahead, steps))))


def _nan_hint(value):
    try:
        arr = plain("value", value).astype(float)
    except AssertionError:
        return ""
    if not np.all(np.isfinite(arr)):
        return say("NaN or inf: a division by zero? If you divide by 1 - beta**t, count the step "
                   "before using it, so that the first step has t = 1.")
    return ""


# ---------------------------------------------------------------- momentum

def _state(state, key, like):
    return np.zeros_like(like) if not state or key not in state else state[key]


def _momentum_step_mistakes(nesterov):
    def lr_in_velocity(w, g, st, lr, momentum, nesterov):
        v = momentum * _state(st, "v", w) + lr * g
        return w - (lr * g + momentum * v if nesterov else v), {"v": v}

    def dampened(w, g, st, lr, momentum, nesterov):
        v = momentum * _state(st, "v", w) + (1 - momentum) * g
        return w - lr * (g + momentum * v if nesterov else v), {"v": v}

    def forgets(w, g, st, lr, momentum, nesterov):
        return w - lr * (g + momentum * g if nesterov else g), {}

    def old_velocity(w, g, st, lr, momentum, nesterov):
        v = _state(st, "v", w)
        return w - lr * v, {"v": momentum * v + g}

    def other_kind(w, g, st, lr, momentum, nesterov):
        v = momentum * _state(st, "v", w) + g
        return w - lr * (v if nesterov else g + momentum * v), {"v": v}
    return {
        say("PyTorch keeps the velocity in units of the gradient (v = momentum * v + dw) and multiplies "
            "by the learning rate when it applies it. Adding lr * dw to v gives the same steps only while "
            "lr is constant; here lr changes from step to step, as under a schedule."): lr_in_velocity,
        say("no dampening: the velocity adds the whole gradient, not (1 - momentum) times it "
            "(torch.optim.SGD with dampening=0)."): dampened,
        say("the velocity must carry over: return it in the state and read it back on the next call."): forgets,
        say("update the velocity first, then step with the new velocity."): old_velocity,
        (say("with nesterov=True the step goes along the look-ahead direction dw + momentum * v, not along v.")
         if nesterov else
         say("with nesterov=False the step goes along the velocity v itself; the look-ahead "
             "dw + momentum * v is Nesterov's.")): other_kind,
    }


@explains()
def check_momentum_step(momentum_step, seed=0, shape=(3, 4), steps=STEPS, lr=0.05,
                        settings=((0.9, False), (0.9, True), (0.5, True))):
    """momentum_step(w, dw, state, lr, momentum, nesterov) against torch.optim.SGD over many steps.

    settings: (momentum, nesterov) pairs, each run for ``steps`` steps from a fresh state None.
    """
    for i, (momentum, nesterov) in enumerate(settings):
        _run(momentum_step, "momentum_step", dict(lr=lr, momentum=momentum, nesterov=nesterov),
             seed + i, shape, steps, _momentum_step_mistakes(nesterov),
             say("Momentum keeps a velocity v = momentum * v + dw in the state; see the formulas above."))
    ok(say("momentum_step matches torch.optim.SGD (plain and Nesterov) over {steps} steps", steps=steps))


# ---------------------------------------------------------------- RMSprop

def _rmsprop_step_mistakes():
    def variant(inside=False, unweighted=False, corrected=False, carry=True, root=True, start_at_g2=False):
        def step(w, g, st, lr, alpha, eps):
            t = (st or {}).get("t", 0) + 1
            s = (alpha * _state(st, "s", w) if carry else 0.0) + (1.0 if unweighted else 1 - alpha) * g * g
            s = g * g if start_at_g2 and t == 1 else s
            s_used = s / (1 - alpha ** t) if corrected else s
            denom = np.sqrt(s_used + eps) if inside else (np.sqrt(s_used) if root else s_used) + eps
            return w - lr * g / denom, {"s": s, "t": t}
        return step
    return {
        say("epsilon goes outside the square root: dw / (sqrt(s) + eps), as in torch.optim.RMSprop."):
            variant(inside=True),
        say("the running average weighs the new squared gradient by (1 - alpha)."): variant(unweighted=True),
        say("RMSprop has no bias correction (Adam has): divide by the square root of s itself."):
            variant(corrected=True),
        say("the average of squared gradients must carry over: keep s in the state."): variant(carry=False),
        say("s keeps the fraction alpha of its old value and adds (1 - alpha) * dw**2; you swapped alpha and "
            "1 - alpha."): lambda w, g, st, lr, alpha, eps: ref_optim.rmsprop_step(w, g, st, lr, 1 - alpha, eps),
        say("divide by the root of the mean square, sqrt(s), not by s."): variant(root=False),
        say("s starts at 0, as in torch.optim.RMSprop: the first step gives s = (1 - alpha) * dw**2, not "
            "dw**2."): variant(start_at_g2=True),
    }


@explains()
def check_rmsprop_step(rmsprop_step, seed=0, shape=(3, 4), steps=STEPS, lr=0.01,
                       settings=((0.99, 1e-8), (0.9, 1e-3))):
    """rmsprop_step(w, dw, state, lr, alpha, eps) against torch.optim.RMSprop over many steps."""
    for i, (alpha, eps) in enumerate(settings):
        _run(rmsprop_step, "rmsprop_step", dict(lr=lr, alpha=alpha, eps=eps), seed + 10 + i, shape, steps,
             _rmsprop_step_mistakes(), say("RMSprop keeps a running average s of dw**2 in the state; see above."))
    ok(say("rmsprop_step matches torch.optim.RMSprop over {steps} steps", steps=steps))


# ---------------------------------------------------------------- Adam and AdamW

def _adam_variant(correct=True, t0=0, frozen=False, inside=False, eps_before=False, unweighted=False,
                  decay="right", correct_v=True, store_hat=False, swap_bc=False):
    """Adam with one known mistake; ``decay`` in right, l2, decoupled, no_lr, after, none;
    correct_v=False: only m bias-corrected; store_hat: the corrected moments kept in the state;
    swap_bc: m corrected with beta2 and v with beta1."""
    def step(w, g, st, lr, beta1, beta2, eps, weight_decay, decoupled):
        st = st or {}
        t = st.get("t", t0) + (0 if frozen else 1)
        t = max(t, 1) if frozen else t
        kind = decay if decay != "right" else ("decoupled" if decoupled else "l2")
        if kind == "decoupled":
            w = w * (1 - lr * weight_decay)
        elif kind == "no_lr":
            w = w * (1 - weight_decay)
        elif kind == "l2":
            g = g + weight_decay * w
        m = beta1 * _state(st, "m", w) + (1.0 if unweighted else 1 - beta1) * g
        v = beta2 * _state(st, "v", w) + (1 - beta2) * g * g
        bc1, bc2 = (1 - beta1 ** t, 1 - beta2 ** t) if correct else (1.0, 1.0)
        bc2 = bc2 if correct_v else 1.0
        bc1, bc2 = (bc2, bc1) if swap_bc else (bc1, bc2)
        if inside:
            upd = (m / bc1) / np.sqrt(v / bc2 + eps)
        elif eps_before:
            upd = (m / bc1) * math.sqrt(bc2) / (np.sqrt(v) + eps)
        else:
            upd = (m / bc1) / (np.sqrt(v / bc2) + eps)
        nxt = w - lr * upd
        if kind == "after":
            nxt = nxt * (1 - lr * weight_decay)
        if store_hat:
            m, v = m / bc1, v / bc2
        return nxt, {"m": m, "v": v, "t": t}
    return step


def _adam_step_mistakes(weight_decay, decoupled):
    mistakes = {
        say("Adam corrects the bias of m and v (both start at 0): divide them by 1 - beta1**t and "
            "1 - beta2**t."): _adam_variant(correct=False),
        say("the bias correction uses the number of steps taken so far, this one included: t = 1 at the "
            "first step, 2 at the second..."): _adam_variant(t0=1),
        say("the step count t must grow by one at every step (keep it in the state)."): _adam_variant(frozen=True),
        say("epsilon goes outside the square root: m_hat / (sqrt(v_hat) + eps), as in torch.optim.Adam."):
            _adam_variant(inside=True),
        say("add epsilon to sqrt(v_hat), after the bias correction (PyTorch's convention), not to sqrt(v)."):
            _adam_variant(eps_before=True),
        say("the first moment weighs the new gradient by (1 - beta1)."): _adam_variant(unweighted=True),
        say("BOTH moments start at 0 and need the bias correction: v_hat = v / (1 - beta2**t) as well as "
            "m_hat = m / (1 - beta1**t)."): _adam_variant(correct_v=False),
        say("each moment is corrected with its own beta: m_hat = m / (1 - beta1**t) and v_hat = v / "
            "(1 - beta2**t); you swapped beta1 and beta2 in the corrections."): _adam_variant(swap_bc=True),
        say("keep the raw running averages m and v in the state; the bias-corrected m_hat and v_hat are only "
            "used for this step's update."): _adam_variant(store_hat=True),
    }
    if weight_decay:
        if decoupled:
            mistakes.update({
                say("with decoupled=True (AdamW) the decay shrinks w directly, w * (1 - lr * weight_decay), "
                    "and the moments see the raw gradient; adding weight_decay * w to the gradient is Adam's "
                    "L2 penalty."): _adam_variant(decay="l2"),
                say("PyTorch's AdamW multiplies the decay by the learning rate: w shrinks by the factor "
                    "(1 - lr * weight_decay)."): _adam_variant(decay="no_lr"),
                say("decay the weights as they were before the step (PyTorch shrinks w first, then takes the "
                    "Adam step)."): _adam_variant(decay="after"),
            })
        else:
            mistakes[say("with decoupled=False (Adam's L2 penalty) weight_decay * w is added to the gradient "
                         "before the moments; shrinking w directly is AdamW (decoupled=True).")] = \
                _adam_variant(decay="decoupled")
        mistakes[say("use weight_decay: it is not zero here.")] = _adam_variant(decay="none")
    return mistakes


@explains()
def check_adam_step(adam_step, seed=0, shape=(3, 4), steps=STEPS, lr=0.01,
                    settings=((0.9, 0.999, 1e-8, 0.0, False), (0.9, 0.999, 1e-8, 0.1, False),
                              (0.9, 0.999, 1e-8, 0.1, True), (0.8, 0.99, 1e-3, 0.5, True))):
    """adam_step(w, dw, state, lr, beta1, beta2, eps, weight_decay, decoupled) against
    torch.optim.Adam (decoupled=False) and torch.optim.AdamW (decoupled=True) over many steps.

    settings: (beta1, beta2, eps, weight_decay, decoupled) tuples.
    """
    for i, (beta1, beta2, eps, wd, decoupled) in enumerate(settings):
        hyper = dict(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=wd, decoupled=decoupled)
        _run(adam_step, "adam_step", hyper, seed + 20 + i, shape, steps, _adam_step_mistakes(wd, decoupled),
             say("Adam keeps t, m and v in the state; see the formulas above."))
    ok(say("adam_step matches torch.optim.Adam and AdamW over {steps} steps, with and without weight decay",
           steps=steps))


# ---------------------------------------------------------------- schedules

def _check_schedule(student, name, kw, ts, mistakes, base_hint):
    """Compare student(t, **kw) for every t in ts with the closed form and torch's scheduler."""
    twin, dev, _ = torch_twin("schedules")
    want = [getattr(ref_sched, name)(t, **kw) for t in ts]
    theirs = getattr(twin, name)(list(ts), **kw, device=dev)
    for t, w, th in zip(ts, want, theirs):
        label = f"{name}({t}, {_fmt(kw)})"
        got = call(student, label, t=t, **kw)
        _one_number(label, got)
        hint = diagnose(got, _mistaken_values(mistakes, t, kw))
        got = assert_close(label, got, w, F64, hint or base_hint)
        assert_close(say("{label} (against torch.optim.lr_scheduler)", label=label), got, th, F64)


def _mistaken_values(mistakes, t, kw):
    """{hint: value} of the mistakes that have a value here (T_max - 1 may be 0, for one)."""
    values = {}
    for hint, fn in mistakes.items():
        try:
            values[hint] = fn(t, **kw)
        except (ArithmeticError, ValueError):
            pass
    return values


def _one_number(label, got):
    """A schedule returns one number: say so in words for None, lists, arrays and strings."""
    if isinstance(got, np.ndarray) and got.shape != ():
        fail(say("{label} should return one number (the learning rate), got an array of shape {shape}.",
                 label=label, shape=got.shape))
    if got is None:
        fail(say("{label} should return one number (the learning rate), got NoneType. Did you forget to "
                 "return it?", label=label))
    if isinstance(got, bool) or not isinstance(got, (int, float, np.number, np.ndarray)):
        fail(say("{label} should return one number (the learning rate), got {kind}.", label=label,
                 kind=type(got).__name__))


@explains()
def check_step_lr(step_lr, lr0=0.1, settings=((5, 0.5), (1, 0.9), (7, 0.1)), epochs=30):
    """step_lr(t, lr0, step_size, gamma) = StepLR's rate at epoch t, for t = 0 .. epochs - 1."""
    for step_size, gamma in settings:
        _check_schedule(step_lr, "step_lr", dict(lr0=lr0, step_size=step_size, gamma=gamma), range(epochs),
                        _step_lr_mistakes(),
                        say("StepLR keeps lr0 for step_size epochs, then multiplies it by gamma, and so on."))
    ok(say("step_lr matches torch.optim.lr_scheduler.StepLR"))


def _step_lr_mistakes():
    """{hint: the rate t, lr0, step_size, gamma -> rate of a mistaken StepLR}."""
    return {
        say("the first drop comes after step_size whole epochs: epochs 0 .. step_size - 1 use lr0."):
            lambda t, lr0, step_size, gamma: lr0 * gamma ** ((t + 1) // step_size),
        say("StepLR drops in stairs: count only the completed periods, the integer t // step_size."):
            lambda t, lr0, step_size, gamma: lr0 * gamma ** (t / step_size),
        say("each drop MULTIPLIES the rate by gamma (gamma to the power of the number of drops)."):
            lambda t, lr0, step_size, gamma: lr0 * gamma * (t // step_size),
    }


@explains()
def check_cosine_lr(cosine_lr, lr0=0.1, settings=((20, 0.0), (7, 0.001), (50, 0.01))):
    """cosine_lr(t, lr0, T_max, eta_min) = CosineAnnealingLR's rate at step t, for t = 0 .. T_max."""
    for T_max, eta_min in settings:
        _check_schedule(cosine_lr, "cosine_lr", dict(lr0=lr0, T_max=T_max, eta_min=eta_min),
                        range(T_max + 1), _cosine_lr_mistakes(eta_min),
                        say("The rate follows half a cosine from lr0 at t = 0 down to eta_min at t = T_max."))
    ok(say("cosine_lr matches torch.optim.lr_scheduler.CosineAnnealingLR"))


def _cosine_lr_mistakes(eta_min):
    """{hint: the rate t, lr0, T_max, eta_min -> rate of a mistaken cosine schedule}.

    Every mistake is the reference's own rate at another t, T_max or eta_min, or a transform
    of it, so that no check spells out the formula the exercise asks for.
    """
    cos_at = ref_sched.cosine_lr
    ends_at_0 = say("the schedule ends at eta_min, not at 0: the cosine part scales lr0 - eta_min and eta_min "
                    "is added.")
    mistakes = {
        say("off by one: cosine_lr(0) must be lr0 and cosine_lr(T_max) must be eta_min; the angle at step t "
            "is pi * t / T_max."): lambda t, lr0, T_max, eta_min: cos_at(t + 1, lr0, T_max, eta_min),
        say("off by one: the angle at step t is pi * t / T_max, so that the rate reaches eta_min at "
            "t = T_max exactly."): lambda t, lr0, T_max, eta_min: cos_at(t, lr0, T_max + 1, eta_min),
        say("off by one: the rate reaches eta_min at t = T_max, not at T_max - 1."):
            lambda t, lr0, T_max, eta_min: cos_at(t, lr0, T_max - 1, eta_min),
        ends_at_0: lambda t, lr0, T_max, eta_min: cos_at(t, lr0, T_max, 0.0),
        # eta_min + (lr0 - eta_min) * c, with c the cosine itself rather than its factor (1 + c) / 2,
        # is 2 * rate - lr0 for the right rate.
        say("the factor (1 + cos(angle)) / 2 runs from 1 down to 0; cos(angle) alone goes negative."):
            lambda t, lr0, T_max, eta_min: 2 * cos_at(t, lr0, T_max, eta_min) - lr0,
        # eta_min + (lr0 - eta_min) * (1 + c), the factor without its / 2, is 2 * rate - eta_min
        say("the factor (1 + cos(angle)) / 2 runs from 1 down to 0: without the / 2 it starts at 2 and the rate "
            "at t = 0 is not lr0."): lambda t, lr0, T_max, eta_min: 2 * cos_at(t, lr0, T_max, eta_min) - eta_min,
    }
    if eta_min == 0.0:  # without eta_min the "ends at 0" mistake is right
        del mistakes[ends_at_0]
    return mistakes
