"""Every check of exercise 09 passes the reference and fails plausible wrong answers,
with a message that names the mistake."""


import numpy as np
import pytest

from autograder.checks import ex09_regularization as ex
from autograder.checks.compare import NotImplementedYet
from autograder.ref_numpy import batchnorm as bn
from autograder.ref_numpy import regularization as reg
from helpers.checking import HANGUL, fails, messages_in_both, numbers, passes


# ---------------------------------------------------------------- l2_penalty

def test_l2_penalty_passes_reference(capsys):
    passes(ex.check_l2_penalty, reg.l2_penalty, capsys=capsys)
    passes(ex.check_l2_penalty, reg.l2_penalty, capsys=capsys, seed=3, sizes=(2, 6, 1, 4), lam=0.0)
    passes(ex.check_l2_penalty, reg.l2_penalty, capsys=capsys, seed=4, sizes=(7, 2), lam=2.5)


def _l2(penalty=None, dW=None, db=None):
    """The reference with one part replaced by a wrong formula."""
    def wrong(params, lam):
        pen, grads = reg.l2_penalty(params, lam)
        pen = penalty(params, lam) if penalty else pen
        grads = [(dW(W, lam) if dW else g[0], db(b, lam) if db else g[1]) for (W, b), g in zip(params, grads)]
        return pen, grads
    return wrong


def _sq(params, with_b=False):
    return sum(float(np.sum(W ** 2)) + (float(np.sum(b ** 2)) if with_b else 0.0) for W, b in params)


@pytest.mark.parametrize("wrong,match", [
    (_l2(penalty=lambda ps, lam: 0.5 * lam * _sq(ps, True), db=lambda b, lam: lam * b), "biases are not penalized"),
    (_l2(db=lambda b, lam: lam * b), r"db1.*biases are not penalized"),
    (_l2(penalty=lambda ps, lam: lam * _sq(ps)), "you left out the 1/2"),
    (_l2(dW=lambda W, lam: 2 * lam * W), "no factor 2"),
    (_l2(dW=lambda W, lam: W), "multiply by lam"),
    (_l2(penalty=lambda ps, lam: 0.5 * _sq(ps)), "multiply the sum of squares by lam"),
    (_l2(penalty=lambda ps, lam: 0.5 * lam * np.sqrt(_sq(ps))), "SQUARED weights"),
    (_l2(penalty=lambda ps, lam: 0.5 * lam * sum(np.linalg.norm(W) for W, _ in ps)), "sum of the layers' norms"),
    (_l2(dW=lambda W, lam: W - lam * W), "not the updated weights"),
    (lambda params, lam: (reg.l2_penalty(params, lam)[0], [g[0] for g in reg.l2_penalty(params, lam)[1]]),
     "tuple of 2 values"),
    (lambda params, lam: (reg.l2_penalty(params, lam)[0], [(lam * W, None) for W, b in params]), "is None"),
    (lambda params, lam: reg.l2_penalty(params, lam)[0], "tuple of 2 values"),
    (lambda params, lam: (reg.l2_penalty(params, lam)[0], reg.l2_penalty(params, lam)[1][:1]),
     "list of 2 pairs"),
])
def test_l2_penalty_rejects_wrong_answers(wrong, match):
    fails(ex.check_l2_penalty, wrong, match=match)


def test_l2_penalty_in_place_decay_is_rejected():
    def decays_in_place(params, lam):
        pen, grads = reg.l2_penalty(params, lam)
        for W, _ in params:
            W *= 1 - lam  # "weight decay" applied to the caller's weights
        return pen, grads
    fails(ex.check_l2_penalty, decays_in_place, match="changed its argument params in place")


def test_stub_is_reported_as_not_implemented():
    def stub(params, lam):
        raise NotImplementedError()
    with pytest.raises(NotImplementedYet, match="not implemented yet"):
        ex.check_l2_penalty(stub)


# ---------------------------------------------------------------- dropout_forward

def test_dropout_forward_passes_reference(capsys):
    passes(ex.check_dropout_forward, reg.dropout_forward, capsys=capsys)
    passes(ex.check_dropout_forward, reg.dropout_forward, capsys=capsys, seed=2, shape=(3, 4, 5), p=0.5, mask_seed=0)
    passes(ex.check_dropout_forward, reg.dropout_forward, capsys=capsys, seed=3, shape=(10,), p=0.0)


def _dropout(keep=None, scale=None, evaluate=None):
    """A student's dropout_forward with switches for the usual mistakes; cache = multiplier."""
    def wrong(x, p, train, seed):
        if not train:
            return (evaluate(x, p, seed) if evaluate else x.copy()), np.ones_like(x)
        r = np.random.default_rng(seed).random(x.shape)
        k = keep(r, p, seed, x) if keep else r >= p
        m = k * (scale(p) if scale else 1 / (1 - p))
        return x * m, m
    return wrong


@pytest.mark.parametrize("wrong,match", [
    (_dropout(scale=lambda p: 1.0), r"divides the kept units by \(1 - p\)"),
    (_dropout(scale=lambda p: 1 / p), "not by p"),
    (_dropout(scale=lambda p: 1 - p), "old, non-inverted dropout"),
    (_dropout(keep=lambda r, p, s, x: r < p), "probability of DROPPING"),
    (_dropout(keep=lambda r, p, s, x: r < 1 - p), "make the mask exactly as the exercise says"),
    (_dropout(keep=lambda r, p, s, x: np.random.default_rng(s).random(x.shape[-1]) >= p), "its own random number"),
    (_dropout(keep=lambda r, p, s, x: np.random.default_rng(0).random(x.shape) >= p), "use the seed you are given"),
    (_dropout(keep=lambda r, p, s, x: np.random.RandomState(s).rand(*x.shape) >= p), "older generator"),
    (_dropout(evaluate=lambda x, p, s: reg.dropout_forward(x, p, True, seed=s)[0]), r"evaluation \(train=False\)"),
    (_dropout(evaluate=lambda x, p, s: x * (1 - p)), r"no factor \(1 - p\)"),
    (lambda x, p, train, seed: reg.dropout_forward(x, p, train, seed)[0], "tuple of 2 values"),
])
def test_dropout_forward_rejects_wrong_answers(wrong, match):
    fails(ex.check_dropout_forward, wrong, match=match)


def test_dropout_forward_with_a_fixed_mask_is_named_whatever_the_seed():
    """One mask drawn once (per epoch) and reused: the second forward pass must differ."""
    fixed = _dropout(keep=lambda r, p, s, x: np.random.default_rng(7).random(x.shape) >= p)
    fails(ex.check_dropout_forward, fixed, match="use the seed you are given", mask_seed=7)


def test_dropout_forward_in_place_is_rejected():
    def in_place(x, p, train, seed):
        out, m = reg.dropout_forward(x, p, train, seed)
        x *= m
        return out, m
    fails(ex.check_dropout_forward, in_place, match="changed its argument x in place")


# ---------------------------------------------------------------- dropout_backward

def test_dropout_backward_passes_reference(capsys):
    passes(ex.check_dropout_backward, reg.dropout_forward, reg.dropout_backward, capsys=capsys)
    passes(ex.check_dropout_backward, reg.dropout_forward, reg.dropout_backward, capsys=capsys,
           seed=5, shape=(2, 3, 4), p=0.6, mask_seed=11)


def test_dropout_backward_accepts_another_plain_cache(capsys):
    """The cache is the student's own: here the boolean mask and p, in a dict."""
    def forward(x, p, train, seed):
        keep = np.random.default_rng(seed).random(x.shape) >= p if train else np.ones(x.shape, bool)
        return x * keep / (1 - p if train else 1.0), {"keep": keep, "p": p if train else 0.0}

    def backward(dout, cache):
        return dout * cache["keep"] / (1 - cache["p"])
    passes(ex.check_dropout_backward, forward, backward, capsys=capsys)


def _mask_only_forward(x, p, train, seed):
    keep = np.random.default_rng(seed).random(x.shape) >= p
    return (x * keep / (1 - p) if train else x.copy()), keep


@pytest.mark.parametrize("forward,backward,match", [
    (reg.dropout_forward, lambda dout, cache: dout, "only through the kept units"),
    (_mask_only_forward, lambda dout, keep: dout * keep, r"same factor"),
    (_mask_only_forward, lambda dout, keep: dout * keep / 0.7, r"in evaluation .* dx = dout"),
    (reg.dropout_forward, lambda dout, cache: dout * (cache > 0), "same factor"),
])
def test_dropout_backward_rejects_wrong_answers(forward, backward, match):
    fails(ex.check_dropout_backward, forward, backward, match=match)


# ---------------------------------------------------------------- batchnorm_forward

def test_batchnorm_forward_passes_reference(capsys):
    passes(ex.check_batchnorm_forward, bn.batchnorm_forward, capsys=capsys)
    passes(ex.check_batchnorm_forward, bn.batchnorm_forward, capsys=capsys, seed=4, n=2, d=3, momentum=0.5, eps=1e-3)
    passes(ex.check_batchnorm_forward, bn.batchnorm_forward, capsys=capsys, seed=5, n=17, d=1, momentum=1.0)


def _bn(axis=0, ddof_norm=0, ddof_run=1, eps_inside=True, flip=False, affine=True, eval_uses_batch=False,
        eval_updates=False, std_running=False):
    """A student's batchnorm_forward with switches for the usual mistakes."""
    def wrong(x, gamma, beta, running_mean, running_var, momentum, eps, train):
        if train or eval_uses_batch:
            mean = x.mean(axis=axis, keepdims=axis == 1)
            var = x.var(axis=axis, ddof=ddof_norm, keepdims=axis == 1)
            run_var = x.var(axis=axis, ddof=ddof_run)
            run_var = np.sqrt(run_var) if std_running else run_var
            a, c = (momentum, 1 - momentum) if flip else (1 - momentum, momentum)
            new_rm = a * running_mean + c * x.mean(axis=axis)
            new_rv = a * running_var + c * run_var
            if not train and not eval_updates:
                new_rm, new_rv = running_mean.copy(), running_var.copy()
        else:
            mean, var = running_mean, running_var
            new_rm, new_rv = running_mean.copy(), running_var.copy()
        xhat = (x - mean) / (np.sqrt(var + eps) if eps_inside else np.sqrt(var) + eps)
        out = gamma * xhat + beta if affine else xhat
        return out, new_rm, new_rv, {"xhat": xhat}
    return wrong


def test_switchable_mutant_without_switches_is_right(capsys):
    passes(ex.check_batchnorm_forward, _bn(), capsys=capsys)


def _bn_running_in_training(updated):
    """Training mode normalized with the running statistics (the old ones, or those just updated)."""
    def wrong(x, gamma, beta, running_mean, running_var, momentum, eps, train):
        _, rm, rv, _ = bn.batchnorm_forward(x, gamma, beta, running_mean, running_var, momentum, eps, train)
        mean, var = (rm, rv) if updated or not train else (running_mean, running_var)
        xhat = (x - mean) / np.sqrt(var + eps)
        return gamma * xhat + beta, rm, rv, {"xhat": xhat}
    return wrong


def _bn_in_place(x, gamma, beta, running_mean, running_var, momentum, eps, train):
    out, rm, rv, cache = bn.batchnorm_forward(x, gamma, beta, running_mean, running_var, momentum, eps, train)
    running_mean[:] = rm  # PyTorch's buffers are updated in place; the exercise returns new arrays
    running_var[:] = rv
    return out, running_mean, running_var, cache


@pytest.mark.parametrize("wrong,match", [
    (_bn(ddof_run=0), "UNBIASED batch variance"),
    (_bn(axis=1), r"axis 0"),
    (_bn(ddof_norm=1, ddof_run=1), "normalize the batch with its biased variance"),
    (_bn(eps_inside=False), "eps goes inside the square root"),
    (_bn(flip=True), "momentum weighs the NEW batch"),
    (_bn(affine=False), "scale by gamma and shift by beta"),
    (_bn(std_running=True), "not standard deviations"),
    (_bn(eval_uses_batch=True), r"evaluation \(train=False\) normalize with the running statistics"),
    (_bn(eval_uses_batch=True, eval_updates=True), "running statistics"),
    (_bn_running_in_training(updated=False), r"in training \(train=True\) normalize with .* THIS batch"),
    (_bn_running_in_training(updated=True), "not with the running statistics you just updated"),
    (_bn_in_place, "changed its argument running_mean in place"),
    (lambda *args: bn.batchnorm_forward(*args)[:3], "tuple of 4 values"),
])
def test_batchnorm_forward_rejects_wrong_answers(wrong, match):
    fails(ex.check_batchnorm_forward, wrong, match=match)


def test_batchnorm_forward_eval_update_is_named():
    """Normalizing right in evaluation but updating the running statistics anyway."""
    def updates_in_eval(x, gamma, beta, running_mean, running_var, momentum, eps, train):
        out, *_ = bn.batchnorm_forward(x, gamma, beta, running_mean, running_var, momentum, eps, train)
        _, rm, rv, cache = bn.batchnorm_forward(x, gamma, beta, running_mean, running_var, momentum, eps, True)
        return out, rm, rv, cache
    fails(ex.check_batchnorm_forward, updates_in_eval, match="used, not updated")


def test_batchnorm_forward_wrong_axis_without_keepdims_says_why_it_raised():
    def no_keepdims(x, gamma, beta, running_mean, running_var, momentum, eps, train):
        mean, var = x.mean(axis=1), x.var(axis=1)
        return gamma * (x - mean) / np.sqrt(var + eps) + beta, running_mean, running_var, {}
    fails(ex.check_batchnorm_forward, no_keepdims, match=r"raised ValueError.*over the batch \(axis 0\)")


# ---------------------------------------------------------------- batchnorm_backward

def test_batchnorm_backward_passes_reference(capsys):
    passes(ex.check_batchnorm_backward, bn.batchnorm_forward, bn.batchnorm_backward, capsys=capsys)
    passes(ex.check_batchnorm_backward, bn.batchnorm_forward, bn.batchnorm_backward, capsys=capsys,
           seed=7, n=3, d=5, eps=1e-2)


def test_batchnorm_backward_accepts_another_plain_cache(capsys):
    """A student who keeps x, the statistics and gamma in a tuple and recomputes in backward."""
    def forward(x, gamma, beta, running_mean, running_var, momentum, eps, train):
        out, rm, rv, c = bn.batchnorm_forward(x, gamma, beta, running_mean, running_var, momentum, eps, train)
        return out, rm, rv, (x, c["xhat"], c["inv_std"], gamma, 1.0 if train else 0.0)

    def backward(dout, cache):
        _, xhat, inv_std, gamma, train = cache
        return bn.batchnorm_backward(dout, {"xhat": xhat, "inv_std": inv_std, "gamma": gamma, "train": train == 1.0})
    passes(ex.check_batchnorm_backward, forward, backward, capsys=capsys)


def _bn_back(dx=None, dgamma=None, dbeta=None, eval_like_train=False):
    """The reference backward pass with one part replaced by a wrong formula."""
    def wrong(dout, cache):
        xhat, inv_std, g = cache["xhat"], cache["inv_std"], cache["gamma"]
        c = dict(cache, train=True) if eval_like_train else cache
        right = bn.batchnorm_backward(dout, c)
        train = c["train"]
        return (dx(dout, xhat, inv_std, g) if dx and train else right[0],
                dgamma(dout, xhat) if dgamma else right[1],
                dbeta(dout) if dbeta else right[2])
    return wrong


@pytest.mark.parametrize("wrong,match", [
    (_bn_back(dx=lambda d, xh, s, g: d * g * s), "treating them as constants leaves out two terms"),
    (_bn_back(dx=lambda d, xh, s, g: s * (d * g - (d * g).mean(axis=0))), "batch variance depends on every x"),
    (_bn_back(dx=lambda d, xh, s, g: s * (d * g - xh * (d * g * xh).mean(axis=0))), "batch mean depends on every x"),
    (_bn_back(dx=lambda d, xh, s, g: s * (d - d.mean(axis=0) - xh * (d * xh).mean(axis=0))),
     "through the scale gamma"),
    (_bn_back(dgamma=lambda d, xh: (d * xh).mean(axis=0)), "dgamma SUMS"),
    (_bn_back(dgamma=lambda d, xh: d.sum(axis=0)), "the sum of dout alone is dbeta"),
    (_bn_back(dbeta=lambda d: d.mean(axis=0)), "dbeta SUMS"),
    (_bn_back(dbeta=lambda d: d.sum(axis=1)), r"dbeta.*shape"),
    (_bn_back(eval_like_train=True), "in evaluation the mean and variance are the running statistics"),
])
def test_batchnorm_backward_rejects_wrong_answers(wrong, match):
    fails(ex.check_batchnorm_backward, bn.batchnorm_forward, wrong, match=match)


def test_batchnorm_backward_names_the_axis_on_square_batches():
    fails(ex.check_batchnorm_backward, bn.batchnorm_forward, _bn_back(dbeta=lambda d: d.sum(axis=1)),
          match="not over axis 1", n=4, d=4)
    fails(ex.check_batchnorm_backward, bn.batchnorm_forward, _bn_back(dgamma=lambda d, xh: (d * xh).sum(axis=1)),
          match="not over axis 1", n=4, d=4)


def test_batchnorm_backward_dgamma_with_x_is_named():
    def dgamma_of_x(x, gamma, beta, running_mean, running_var, momentum, eps, train):
        out, rm, rv, c = bn.batchnorm_forward(x, gamma, beta, running_mean, running_var, momentum, eps, train)
        return out, rm, rv, dict(c, x=x)

    def backward(dout, cache):
        dx, _, dbeta = bn.batchnorm_backward(dout, {k: v for k, v in cache.items() if k != "x"})
        return dx, (dout * cache["x"]).sum(axis=0), dbeta
    fails(ex.check_batchnorm_backward, dgamma_of_x, backward, match="not dout \\* x")


def test_backward_checks_name_a_wrong_forward_first():
    """The backward checks run the student's forward for its cache; a wrong forward was reported as a
    wrong backward with a backward hint (student trial: an unscaled dropout got 'the backward pass
    multiplies dout by the same factor' under a right dropout_backward)."""
    unscaled = _dropout(scale=lambda p: 1.0)
    with pytest.raises(AssertionError, match=r"its cache feeds the backward pass.*make dropout_forward pass"):
        ex.check_dropout_backward(unscaled, lambda dout, cache: dout * cache)
    with pytest.raises(AssertionError, match=r"its cache feeds the backward pass.*make batchnorm_forward pass"):
        ex.check_batchnorm_backward(_bn_running_in_training(updated=False), bn.batchnorm_backward)


# ---------------------------------------------------------------- Korean feedback (issue 22, item 5)

def test_a_named_mistake_reads_in_korean_with_the_same_numbers():
    """eps outside the root is named in Korean, with the shapes and values of the English message."""
    wrong = _bn(eps_inside=False)
    en, ko = messages_in_both(lambda: ex.check_batchnorm_forward(wrong))
    assert "eps goes inside the square root" in en and not HANGUL.search(en)
    assert "eps는 제곱근 안에 들어갑니다" in ko and "goes inside" not in ko
    assert numbers(ko) == numbers(en)
