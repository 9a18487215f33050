"""Checks of exercise 09_regularization: the L2 penalty, inverted dropout and batch
normalization (forward with running statistics, backward), against the NumPy references
and PyTorch (``torch.nn.functional.batch_norm``, autograd)."""

import numpy as np

from autograder.checks.compare import (
    DEVICE, F64, assert_close, call, describe, diagnose, explains, fail, ok, torch_twin, unpack)
from autograder.checks.messages import say
from autograder.ref_numpy import batchnorm as ref_bn
from autograder.ref_numpy import regularization as ref_reg
from autograder.ref_numpy.mlp import init_params



def _dropout_call(train, **inputs):
    """'dropout_forward(x, p, train, seed) for x of shape (6, 5), p = 0.3 and seed = 7, train=True'."""
    # the call as it is written: code, the same in every language
    call_text = "dropout_forward(x, p, train, seed)"  # not a message (code)
    return describe(call_text, **inputs) + f", train={train}"


def _batchnorm_call(train, **inputs):
    """'batchnorm_forward(...) for x of shape (6, 4) ..., train=True'."""
    # the call as it is written: code, the same in every language
    call_text = "batchnorm_forward(x, gamma, beta, running_mean, running_var, momentum, eps, train)"  # not a message
    return describe(call_text, **inputs) + f", train={train}"


def _returned(i, name, label):
    """'NAME (the first value returned by LABEL)' for i = 0, 1, 2, in the student's language."""
    if i == 0:
        return say("{name} (the first value returned by {label})", name=name, label=label)
    if i == 1:
        return say("{name} (the second value returned by {label})", name=name, label=label)
    return say("{name} (the third value returned by {label})", name=name, label=label)


# ---------------------------------------------------------------- L2 penalty

def _params(rng, sizes):
    """[(W, b), ...] with non-zero biases, so that penalizing them shows."""
    return [(W, rng.normal(size=b.shape)) for W, b in init_params(list(sizes), int(rng.integers(1 << 30)))]


def _l2_penalty_mistakes(params, lam):
    """({hint: wrong penalty}, {hint: [wrong dW per layer]}, {hint: [wrong db per layer]})."""
    sq_w = sum(float(np.sum(W * W)) for W, _ in params)
    sq_b = sum(float(np.sum(b * b)) for _, b in params)
    penalty = {
        say("biases are not penalized: sum the squares of the weight matrices W only."): 0.5 * lam * (sq_w + sq_b),
        say("the book's convention is penalty = (lam / 2) * (sum of all W**2), whose gradient is lam * W: "
            "you left out the 1/2."): lam * sq_w,
        say("multiply the sum of squares by lam (and by 1/2)."): 0.5 * sq_w,
        say("the penalty is the sum of the SQUARED weights, not their norm."): 0.5 * lam * np.sqrt(sq_w),
        # the same mistake layer by layer (a sum of np.linalg.norm(W), each a square root)
        say("the penalty is the sum of the SQUARED weights, not the sum of the layers' norms "
            "(np.linalg.norm(W) is the square root of the sum of squares)."):
            0.5 * lam * sum(float(np.sqrt(np.sum(W * W))) for W, _ in params),
    }
    dW = {
        say("the book's convention is penalty = (lam / 2) * (sum of all W**2), whose gradient is lam * W: "
            "the 2 of the derivative of W**2 cancels the 1/2, so there is no factor 2."):
            [2 * lam * W for W, _ in params],
        say("the gradient of (lam / 2) * W**2 is lam * W: multiply by lam."): [W for W, _ in params],
        say("the gradient of the penalty is lam * W: return it, not the updated weights."):
            [W - lam * W for W, _ in params],
    }
    db = {say("biases are not penalized, so their gradient from the penalty is zero (an array of zeros "
              "shaped like b)."): [lam * b for _, b in params]}
    return penalty, dW, db


@explains()
def check_l2_penalty(l2_penalty, seed=0, sizes=(5, 4, 3), lam=0.1):
    """l2_penalty(params, lam) -> (lam/2 * sum of W**2, [(lam * W, zeros like b), ...]); biases excluded."""
    rng = np.random.default_rng(seed)
    twin, dev, numpy = torch_twin("regularization")
    params = _params(rng, sizes)
    call_text = describe("l2_penalty(params, lam)", lam=lam)  # not a message (code, and describe's words)
    label = say("{call} with layers {sizes}", call=call_text, sizes=list(sizes))
    out = unpack(label, call(l2_penalty, label, params=params, lam=lam), 2)
    want_pen, want_grads = ref_reg.l2_penalty(params, lam)
    t_pen, t_grads = twin.l2_penalty(params, lam, dev)
    bad_pen, bad_dW, bad_db = _l2_penalty_mistakes(params, lam)
    part = _returned(0, "penalty", label)
    got = assert_close(part, out[0], want_pen, F64,
                       diagnose(out[0], bad_pen) or say("penalty = (lam / 2) * sum of W**2 over every layer."))
    assert_close(part, got, numpy(t_pen), DEVICE, against="PyTorch")
    grads = out[1]
    if isinstance(grads, (list, tuple)) and len(grads) != len(params):
        fail(say("grads (the second value returned by {label}) should be a list of {n} pairs (dW, db), one per "
                 "layer, like params; got a {kind} of length {length}.", label=label, n=len(params),
                 kind=type(grads).__name__, length=len(grads)))
    if not isinstance(grads, (list, tuple)):
        fail(say("grads (the second value returned by {label}) should be a list of {n} pairs (dW, db), one per "
                 "layer, like params; got a {kind}.", label=label, n=len(params), kind=type(grads).__name__))
    for layer, pair in enumerate(grads):
        pair = unpack(say("grads[{layer}] (returned by {label})", layer=layer, label=label), pair, 2)
        for i, name in enumerate(("dW", "db")):
            part = say("{name}{number} (grads[{layer}][{i}] returned by {label})", name=name, number=layer + 1,
                       layer=layer, i=i, label=label)
            bad = bad_dW if name == "dW" else bad_db
            hint = diagnose(pair[i], {h: g[layer] for h, g in bad.items()})
            got = assert_close(part, pair[i], want_grads[layer][i], F64, hint or say(
                "{name} has the shape of {param}: lam * W for W, zeros for b.", name=name, param=name[1:]))
            assert_close(part, got, numpy(t_grads[layer][i]), DEVICE, against=say("PyTorch autograd"))
    ok(say("l2_penalty matches (lam/2)·ΣW² and its gradient, biases excluded (lam = {lam:g})", lam=lam))


def _forward_first(label, out, want, name):
    """A backward check reads the cache of the student's forward: a wrong forward is named as such
    (its backward may be right, and a hint about the backward would mislead)."""
    assert_close(say("{label} (its cache feeds the backward pass)", label=label), out, want, F64,
                 say("{name}_backward is tested with the cache of your {name}_forward: make {name}_forward "
                     "pass its own check first.", name=name))


# ---------------------------------------------------------------- dropout

def _dropout_forward_mistakes(x, p, seed, previous=None):
    """{hint: wrong training output} of plausible wrong dropouts; previous: the output for another seed."""
    r = np.random.default_rng(seed).random(x.shape)
    keep = r >= p
    mistakes = {
        say("inverted dropout divides the kept units by (1 - p), so that the expected output equals x "
            "and nothing has to change in evaluation."): x * keep,
        say("divide the kept units by the probability of KEEPING them, 1 - p, not by p."):
            x * keep / p if p > 0 else x * np.inf,
        say("multiplying by (1 - p) is the old, non-inverted dropout's rule for evaluation; inverted "
            "dropout divides the kept units by (1 - p) during training."): x * keep * (1 - p),
        say("p is the probability of DROPPING a unit: keep it where the random number is >= p."):
            x * ~keep / (1 - p),
        say("make the mask exactly as the exercise says (keep = np.random.default_rng(seed).random(x.shape) "
            ">= p), so that the grader can reproduce it."): x * (r < 1 - p) / (1 - p),
        say("draw the mask from a fresh generator made from seed, np.random.default_rng(seed), and its "
            ".random(x.shape); np.random.seed with np.random.rand (or random_sample) is an older generator "
            "that draws other numbers from the same seed."):
            x * (np.random.RandomState(seed).random_sample(x.shape) >= p) / (1 - p),
        say("every entry gets its own random number: draw the mask with x's full shape."):
            x * (np.random.default_rng(seed).random(x.shape[-1]) >= p) / (1 - p),
    }
    reuse = say("use the seed you are given: every forward pass draws a new mask (not one per epoch), "
                "and the seed says which.")
    if seed != 0:
        mistakes[reuse] = ref_reg.dropout_forward(x, p, True, seed=0)[0]
    if previous is not None:
        mistakes[reuse + " "] = previous
    return mistakes


@explains()
def check_dropout_forward(dropout_forward, seed=0, shape=(6, 5), p=0.3, mask_seed=7):
    """dropout_forward(x, p, train, seed) -> (out, cache): inverted dropout in training, x in evaluation."""
    rng = np.random.default_rng(seed)
    twin, dev, numpy = torch_twin("regularization")
    x = rng.normal(size=shape)
    previous = None
    for s in (mask_seed, mask_seed + 1):  # two forward passes, two masks
        label = _dropout_call(True, x=x, p=p, seed=s)
        out = unpack(label, call(dropout_forward, label, x=x, p=p, train=True, seed=s), 2)
        want = ref_reg.dropout_forward(x, p, True, seed=s)[0]
        hint = diagnose(out[0], _dropout_forward_mistakes(x, p, s, previous)) or say(
            "make the mask with exactly keep = np.random.default_rng(seed).random(x.shape) >= p, then divide the "
            "kept entries by (1 - p).")
        got = assert_close(_returned(0, "out", label), out[0], want, F64, hint)
        previous = want
        assert_close(say("out of {label}", label=label), got,
                     numpy(twin.dropout_forward(x, p, True, seed=s, device=dev)[0]), DEVICE, against="PyTorch")
    label = _dropout_call(False, x=x, p=p, seed=mask_seed)
    out = unpack(label, call(dropout_forward, label, x=x, p=p, train=False, seed=mask_seed), 2)
    hint = diagnose(out[0], _dropout_forward_eval_mistakes(x, p, mask_seed))
    assert_close(_returned(0, "out", label), out[0], x, F64, hint or say("in evaluation out = x."))
    ok(say("dropout_forward: inverted dropout with a new mask per seed in training, identity in evaluation "
           "(p = {p:g})", p=p))


def _dropout_forward_eval_mistakes(x, p, mask_seed):
    """{hint: wrong evaluation output} of dropouts that do something in evaluation."""
    return {
        say("in evaluation (train=False) dropout does nothing: every unit is used, out = x."):
            ref_reg.dropout_forward(x, p, True, seed=mask_seed)[0],
        say("with inverted dropout the scaling happened during training; in evaluation out = x, "
            "with no factor (1 - p)."): x * (1 - p),
    }


@explains()
def check_dropout_backward(dropout_forward, dropout_backward, seed=0, shape=(6, 5), p=0.3, mask_seed=7):
    """dropout_backward(dout, cache) -> dx, for the cache of the student's own dropout_forward."""
    rng = np.random.default_rng(seed)
    twin, dev, numpy = torch_twin("regularization")
    x, dout = rng.normal(size=shape), rng.normal(size=shape)
    for train in (True, False):
        fwd = _dropout_call(train, x=x, p=p, seed=mask_seed)
        out, cache = unpack(fwd, call(dropout_forward, fwd, x=x, p=p, train=train, seed=mask_seed), 2)
        _forward_first(_returned(0, "out", fwd), out, ref_reg.dropout_forward(x, p, train, seed=mask_seed)[0],
                       "dropout")
        backward = describe("dropout_backward(dout, cache)", dout=dout)  # not a message (code, and describe's words)
        label = say("{call}, cache from {fwd}", call=backward, fwd=fwd)
        got = call(dropout_backward, label, dout=dout, cache=cache)
        _, ref_cache = ref_reg.dropout_forward(x, p, train, seed=mask_seed)
        hint = diagnose(got, _dropout_backward_mistakes(x, dout, p, mask_seed, train)) or say(
            "dx = dout times what the forward pass multiplied x by.")
        got = assert_close(label, got, ref_reg.dropout_backward(dout, ref_cache), F64, hint)
        assert_close(label, got, numpy(twin.dropout_backward(dout, ref_cache, dev)), DEVICE,
                     against=say("PyTorch autograd"))
    ok(say("dropout_backward passes the gradient through the kept units, scaled, and all of it in evaluation"))


def _dropout_backward_mistakes(x, dout, p, mask_seed, train):
    """{hint: wrong dx} of dropout backward passes, in training (train) or evaluation."""
    if not train:
        return {say("in evaluation the forward pass was out = x, so dx = dout: no mask."):
                dout * ref_reg.dropout_forward(x, p, True, seed=mask_seed)[1]}
    keep = ref_reg.dropout_mask(x.shape, p, mask_seed)
    return {
        say("the gradient flows only through the kept units: multiply dout by the same mask as the forward "
            "pass."): dout,
        say("the forward pass scaled the kept units by 1 / (1 - p); the backward pass multiplies dout by the "
            "same factor."): dout * keep,
    }


# ---------------------------------------------------------------- batch normalization

#: Said when batchnorm_forward raises (usually statistics of the wrong shape); an English template.
BN_SHAPES_HINT = ("x has one example per row: the mean and variance are per feature, over the batch (axis 0), "
             "each of shape (D,) like gamma.")


def _bn_inputs(rng, n, d):
    return dict(x=2.0 + 3.0 * rng.normal(size=(n, d)), gamma=rng.normal(size=d), beta=rng.normal(size=d),
                running_mean=rng.normal(size=d), running_var=rng.uniform(0.5, 2.0, size=d))


def _with_updated_running(a, momentum, eps):
    """out of training mode normalized with the updated running statistics (the reference's, in evaluation)."""
    _, rm, rv, _ = ref_bn.batchnorm_forward(**a, momentum=momentum, eps=eps, train=True)
    return ref_bn.batchnorm_forward(**dict(a, running_mean=rm, running_var=rv), momentum=momentum, eps=eps,
                                    train=False)[0]


def _batchnorm_forward_mistakes(a, momentum, eps):
    """({hint: wrong out}, {hint: wrong running_mean}, {hint: wrong running_var}) in training."""
    x, g, b, rm, rv = a["x"], a["gamma"], a["beta"], a["running_mean"], a["running_var"]
    n = x.shape[0]
    mean, var = x.mean(axis=0), x.var(axis=0)
    m1, v1 = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
    axis = say("the statistics are per feature, over the batch: average over axis 0 (the rows), not axis 1.")
    out = {
        axis: g * (x - m1) / np.sqrt(v1 + eps) + b,
        say("eps goes inside the square root: (x - mean) / sqrt(var + eps)."):
            g * (x - mean) / (np.sqrt(var) + eps) + b,
        say("normalize the batch with its biased variance (divide by N), as PyTorch does; only the running "
            "variance keeps the unbiased one."): g * (x - mean) / np.sqrt(var * n / (n - 1) + eps) + b,
        say("after normalizing, scale by gamma and shift by beta."): (x - mean) / np.sqrt(var + eps),
        say("scale by gamma, then shift by beta (not the other way round)."):
            b * (x - mean) / np.sqrt(var + eps) + g,
        say("in training (train=True) normalize with the mean and biased variance of THIS batch; the running "
            "statistics are only updated here, and used in evaluation."):
            ref_bn.batchnorm_forward(**a, momentum=momentum, eps=eps, train=False)[0],
        say("in training (train=True) normalize with the mean and biased variance of THIS batch, not with the "
            "running statistics you just updated (they are for evaluation)."):
            _with_updated_running(a, momentum, eps),
    }
    flip = say("PyTorch's convention is running = (1 - momentum) * running + momentum * batch: momentum "
               "weighs the NEW batch.")
    r_mean = {
        flip: momentum * rm + (1 - momentum) * mean,
        say("the running mean is a moving average: mix the old running mean with the batch mean."): mean,
    }
    r_var = {
        say("the running variance keeps the UNBIASED batch variance (divide by N - 1), as PyTorch's "
            "running_var does; the batch itself is normalized with the biased one."):
            (1 - momentum) * rv + momentum * var,
        flip: momentum * rv + (1 - momentum) * var * n / (n - 1),
        say("the running variance averages variances, not standard deviations."):
            (1 - momentum) * rv + momentum * np.sqrt(var * n / (n - 1)),
        say("the running variance is a moving average: mix the old running variance with the batch variance."):
            var * n / (n - 1),
    }
    if x.shape[0] == x.shape[1]:  # over the wrong axis the shapes only agree on a square batch
        out[say("{axis} (Without keepdims the row statistics even line up with the columns.)", axis=axis)] = \
            g * (x - m1.ravel()) / np.sqrt(v1.ravel() + eps) + b
        r_mean[axis] = (1 - momentum) * rm + momentum * x.mean(axis=1)
        r_var[axis] = (1 - momentum) * rv + momentum * x.var(axis=1, ddof=1)
    return out, r_mean, r_var


def _batchnorm_forward_eval_mistakes(a, momentum, eps):
    """({hint: wrong out}, {hint: wrong running_mean}, {hint: wrong running_var}) in evaluation."""
    train_out, train_rm, train_rv, _ = ref_bn.batchnorm_forward(**a, momentum=momentum, eps=eps, train=True)
    unchanged = say("in evaluation the running statistics are used, not updated: return them unchanged.")
    return ({say("in evaluation (train=False) normalize with the running statistics, not the batch's."): train_out},
            {unchanged: train_rm},
            {unchanged: train_rv})


@explains()
def check_batchnorm_forward(batchnorm_forward, seed=0, n=6, d=4, momentum=0.1, eps=1e-5):
    """batchnorm_forward(...) -> (out, running_mean, running_var, cache), training and evaluation,
    against the NumPy reference and torch.nn.functional.batch_norm."""
    rng = np.random.default_rng(seed)
    twin, dev, numpy = torch_twin("batchnorm")
    names = ("out", "running_mean", "running_var")
    for N, D in [(n, d), (max(d, 2),) * 2]:  # a square batch: statistics over the wrong axis keep the shapes
        a = _bn_inputs(rng, N, D)
        for train in (True, False):
            label = _batchnorm_call(train, x=a["x"], momentum=momentum, eps=eps)
            out = unpack(label, call(batchnorm_forward, label, say(BN_SHAPES_HINT), **a, momentum=momentum,
                                     eps=eps, train=train), 4)
            want = ref_bn.batchnorm_forward(**a, momentum=momentum, eps=eps, train=train)
            t_want = twin.batchnorm_forward(**a, momentum=momentum, eps=eps, train=train, device=dev)
            mistakes = (_batchnorm_forward_mistakes if train else _batchnorm_forward_eval_mistakes)(a, momentum, eps)
            for i, name in enumerate(names):
                part = _returned(i, name, label)
                hint = diagnose(out[i], mistakes[i]) or (
                    say("{name} has shape {shape}.", name=name, shape=want[i].shape) if i
                    else say("out has x's shape (N, D)."))
                got = assert_close(part, out[i], want[i], F64, hint)
                assert_close(part, got, numpy(t_want[i]), DEVICE, against="torch.nn.functional.batch_norm")
    ok(say("batchnorm_forward matches torch.nn.functional.batch_norm, running statistics included"))


def _held_dx(dout, x, gamma, eps, hold=(), scale=True):
    """dx of training-mode batch normalization by autograd, with the statistics named in ``hold``
    ('mean', 'var') treated as constants, and dxhat = dout * gamma (dout alone if not ``scale``).

    The dx of the known mistakes, derived by PyTorch (float64, on the CPU) from the definition
    xhat = (x - mean) / sqrt(var + eps), so that no check writes out the gradient it grades.
    """
    import torch

    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    stats = {"mean": t.mean(dim=0), "var": t.var(dim=0, unbiased=False)}
    mean, var = (stats[k].detach() if k in hold else stats[k] for k in ("mean", "var"))
    xhat = (t - mean) * torch.rsqrt(var + eps)
    (dx,) = torch.autograd.grad(xhat, t, torch.as_tensor(dout * gamma if scale else dout, dtype=torch.float64))
    return dx.numpy()


def _batchnorm_backward_mistakes(dout, a, eps, cache):
    """{hint: wrong dx}, {hint: wrong dgamma}, {hint: wrong dbeta} in training mode, for the inputs
    ``a`` of the forward pass and the reference's cache."""
    x, g, xhat = a["x"], a["gamma"], cache["xhat"]
    dx = {
        say("the batch mean and variance are functions of x as well; treating them as constants leaves "
            "out two terms of dx (derive the gradients through the mean and the variance)."):
            _held_dx(dout, x, g, eps, hold=("mean", "var")),
        say("the batch variance depends on every x too: subtract xhat times the mean over the batch "
            "of dxhat * xhat."): _held_dx(dout, x, g, eps, hold=("var",)),
        say("the batch mean depends on every x too: subtract the mean over the batch of dxhat."):
            _held_dx(dout, x, g, eps, hold=("mean",)),
        say("dxhat = dout * gamma: the gradient reaches xhat through the scale gamma."):
            _held_dx(dout, x, g, eps, scale=False),
    }
    dgamma = {
        say("dgamma sums dout * xhat (the normalized input) over the batch, not dout * x."): (dout * x).sum(axis=0),
        say("gamma multiplies xhat, so dgamma sums dout * xhat over the batch; the sum of dout alone is dbeta."):
            dout.sum(axis=0),
        say("dgamma SUMS dout * xhat over the batch (axis 0); it does not average."): (dout * xhat).mean(axis=0),
        say("dgamma sums over the batch, axis 0 (one number per feature), not over axis 1."):
            (dout * xhat).sum(axis=1),
    }
    dbeta = {
        say("dbeta SUMS dout over the batch (axis 0); it does not average."): dout.mean(axis=0),
        say("dbeta sums over the batch, axis 0 (one number per feature), not over axis 1."): dout.sum(axis=1),
    }
    return dx, dgamma, dbeta


@explains()
def check_batchnorm_backward(batchnorm_forward, batchnorm_backward, seed=0, n=6, d=4, eps=1e-5):
    """batchnorm_backward(dout, cache) -> (dx, dgamma, dbeta), for the cache of the student's own
    batchnorm_forward, in training and evaluation mode, against the NumPy reference and autograd."""
    rng = np.random.default_rng(seed)
    twin, dev, numpy = torch_twin("batchnorm")
    names = ("dx", "dgamma", "dbeta")
    for N, D in [(n, d), (max(d, 2),) * 2]:
        a = _bn_inputs(rng, N, D)
        dout = rng.normal(size=(N, D))
        for train in (True, False):
            fwd = _batchnorm_call(train, x=a["x"], eps=eps)
            f_out, *_, cache = unpack(fwd, call(batchnorm_forward, fwd, **a, momentum=0.1, eps=eps, train=train), 4)
            _forward_first(_returned(0, "out", fwd), f_out,
                           ref_bn.batchnorm_forward(**a, momentum=0.1, eps=eps, train=train)[0], "batchnorm")
            label = say("batchnorm_backward(dout, cache) for dout of shape {shape} and the cache of {fwd}",
                        shape=dout.shape, fwd=fwd)
            out = unpack(label, call(batchnorm_backward, label, dout=dout, cache=cache), 3)
            ref_cache = ref_bn.batchnorm_forward(**a, momentum=0.1, eps=eps, train=train)[3]
            want = ref_bn.batchnorm_backward(dout, ref_cache)
            t_want = twin.batchnorm_backward(dout, a["x"], a["gamma"], a["beta"], a["running_mean"],
                                             a["running_var"], eps, train, dev)
            if train:
                mistakes = _batchnorm_backward_mistakes(dout, a, eps, ref_cache)
            else:
                train_cache = dict(ref_cache, train=True)
                mistakes = [{say("in evaluation the mean and variance are the running statistics, constants: "
                                 "dx = dout * gamma / sqrt(running_var + eps), with no mean terms."):
                             ref_bn.batchnorm_backward(dout, train_cache)[0]}, {}, {}]
            for i, name in enumerate(names):
                part = _returned(i, name, label)
                hint = diagnose(out[i], mistakes[i]) or say("{name} has shape {shape}.", name=name,
                                                            shape=want[i].shape)
                got = assert_close(part, out[i], want[i], F64, hint)
                assert_close(part, got, numpy(t_want[i]), DEVICE, against=say("PyTorch autograd"))
    ok(say("batchnorm_backward matches PyTorch autograd in training and evaluation mode"))
