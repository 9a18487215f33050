"""Checks of exercise 04_softmax_losses: softmax, cross_entropy, binary_cross_entropy, mae, rmse.

Every check also feeds logits of size 1e4, where the textbook formulas give
inf or NaN, and names the fix when the answer is not finite.
"""

import numpy as np

from autograder.checks.compare import DEVICE, F64, assert_close, call, diagnose, ok, plain, torch_twin
from autograder.checks.messages import say
from autograder.ref_numpy import losses as ref

# Hints for answers that are inf or NaN where the reference is finite (English templates: say(NAME)).
SOFTMAX_OVERFLOW_HINT = (
    "exp overflowed (exp(1e4) = inf, inf/inf = NaN) or every exp of a row underflowed "
    "to 0 (0/0 = NaN). Softmax does not change when the same number is subtracted from every "
    "logit of a row: choose that number so that the largest exponent of each row is 0.")
LOG_OF_ZERO_HINT = (
    "log(softmax(z)) is log(0) = -inf when a probability underflows to 0 (or NaN if exp "
    "overflowed). Never take the log of a probability: write the log-probability of a class "
    "as its logit minus the row's log-sum-exp, and compute that log-sum-exp stably (chapter 04).")
SOFTMAX_RAISED_HINT = (
    "a row's maximum and a row's sum each have one number per row; keep the reduced axis "
    "so that they line up with the (N, C) logits and every row uses its own.")
LABELS_NOT_ONE_HOT_HINT = (
    "labels holds one integer class index per example, shape (N,), not one-hot rows: use each "
    "label to pick the log-probability of its example's true class.")
NOT_PROBABILITIES_HINT = (
    "the function receives logits (raw scores, any real numbers, often negative), "
    "not probabilities; np.log of a logit is NaN when it is negative. Turn logits into "
    "log-probabilities first.")
BCE_UNSTABLE_HINT = (
    "log(1 - sigmoid(z)) is log(0) once z > 36.7 (sigmoid(40) rounds to exactly 1.0), "
    "log(sigmoid(z)) once z < -745, and exp(z) overflows for z > 709. Use the softplus form of "
    "the exercise text, which only ever exponentiates a number <= 0.")
# A named mistake of binary_cross_entropy and mae.
MEAN_NOT_SUM_HINT = "average over all entries (np.mean), do not return the sum."



def _quietly(fn, *args):
    """What a (possibly unstable) formula gives, without NumPy's warnings."""
    with np.errstate(all="ignore"):
        return fn(*args)


def _finite(got):
    """True unless ``got`` is an array of numbers with an inf or NaN in it."""
    try:
        return bool(np.all(np.isfinite(plain("value", got).astype(float))))
    except AssertionError:
        return True


def _logits(rng, n, c, scale, shift):
    """(n, c) logits: N(0, scale^2) entries, a random constant per row, plus ``shift``."""
    return rng.normal(size=(n, c)) * scale + rng.normal(size=(n, 1)) * 2.0 + shift


# --- softmax --------------------------------------------------------------------------

def _softmax_mistakes(z):
    e = _quietly(lambda: np.exp(z - z.max(axis=-1, keepdims=True)))
    col = _quietly(lambda: np.exp(z - z.max(axis=0)) / np.exp(z - z.max(axis=0)).sum(axis=0))
    mistakes = {
        say("normalise each row (sum over the classes, axis=-1), not each column (axis=0)."): col,
        say("normalise each row separately; you divided by the sum over the whole array."):
            ref.softmax(z.ravel()).reshape(z.shape),
        say("apply np.exp before normalising: softmax(z)_k = exp(z_k) / sum_j exp(z_j)."):
            _quietly(lambda: z / z.sum(axis=-1, keepdims=True)),
    }
    if z.shape[0] == z.shape[-1]:  # without keepdims the row values broadcast along the wrong axis
        mistakes[say("keep the summed axis (keepdims=True) so that each row is divided by its own sum.")] = (
            e / e.sum(axis=-1))
        shifted = _quietly(lambda: np.exp(z - z.max(axis=-1)))
        mistakes[say("keep the reduced axis when you take each row's maximum (keepdims=True): without it "
                     "row i's maximum is subtracted from column i.")] = _quietly(
            lambda: shifted / shifted.sum(axis=-1, keepdims=True))
    return mistakes


def check_softmax(softmax, seed=0, n=5, c=4, scale=3.0, shift=0.0):
    """softmax(logits) -> (N, C) rows of probabilities; also on logits of size 1e4."""
    rng = np.random.default_rng(seed)
    ref_torch, dev, numpy = torch_twin("losses")
    cases = [_logits(rng, n, c, scale, shift), rng.normal(size=(3, c)) * 1e4]
    for z in cases:
        label = say("softmax(logits) for logits of shape {shape} (max abs value {top:.3g})",
                    shape=z.shape, top=np.max(np.abs(z)))
        got = call(softmax, "softmax(logits)", say(SOFTMAX_RAISED_HINT), logits=z)
        hint = diagnose(got, _softmax_mistakes(z))
        if not hint and not _finite(got):
            hint = say(SOFTMAX_OVERFLOW_HINT)
        got = assert_close(label, got, ref.softmax(z), F64,
                           hint or say("Return an array of z's shape whose rows are probabilities summing to 1."))
        assert_close(say("{label} (against PyTorch)", label=label), got, numpy(ref_torch.softmax(z, dev)), DEVICE)
    ok(say("softmax matches the references, also for logits of size 1e4 ({n}x{c} and 3x{c})", n=n, c=c))


# --- cross-entropy --------------------------------------------------------------------

def _cross_entropy_mistakes(z, y):
    idx = np.arange(len(y)), y
    logp = ref.log_softmax(z)
    n, c = z.shape
    mistakes = {
        say("average over the batch (np.mean), do not return the sum."): -logp[idx].sum(),
        say("divide by the batch size N only, not by N * C (the one-hot zeros are not examples)."):
            -logp[idx].sum() / (n * c),
        say("cross-entropy is MINUS the mean log-probability of the true class; check the sign."): logp[idx].mean(),
        say("take the log of the probability: the loss is -log p, not -p."): -np.exp(logp[idx]).mean(),
        say("use the natural logarithm (np.log), as PyTorch does."): -logp[idx].mean() / np.log(2),
        say(NOT_PROBABILITIES_HINT): _quietly(lambda: -np.log(z[idx]).mean()),
        say("the log-sum-exp of a row is m + log(sum exp(z - m)): add the row's maximum m back after the log."):
            (logp[idx] * -1 - z.max(axis=1)).mean(),
    }
    mistakes[say("pick one entry per row: row n with column labels[n] (indexing the columns alone pairs "
                 "every example with every label).")] = np.mean(-logp[:, y])
    if n == c or n == 1:  # labels (N,) broadcast against (N, C): the one-hot formula runs
        mistakes[say(LABELS_NOT_ONE_HOT_HINT)] = -np.mean(np.sum(y * logp, axis=1))
    return mistakes


def _ce_labels(rng, z):
    """Random labels, the first one on the row's smallest logit (a confidently wrong case)."""
    y = rng.integers(0, z.shape[1], size=z.shape[0])
    y[0] = np.argmin(z[0])
    return y


def check_cross_entropy(cross_entropy, seed=0, n=6, c=4, scale=3.0, shift=0.0):
    """cross_entropy(logits, labels) -> mean over the batch, from logits, stable at 1e4."""
    rng = np.random.default_rng(seed)
    ref_torch, dev, numpy = torch_twin("losses")
    cases = [_logits(rng, n, c, scale, shift), rng.normal(size=(4, c)) * 1e4]
    for i, z in enumerate(cases):
        y = _ce_labels(rng, z)
        label = say("cross_entropy(logits, labels) for logits of shape {shape} (max abs value {top:.3g})",
                    shape=z.shape, top=np.max(np.abs(z)))
        written = "cross_entropy(logits, labels)"  # not a message (code, written the same in every language)
        got = call(cross_entropy, written, say(LABELS_NOT_ONE_HOT_HINT), logits=z, labels=y)
        hint = diagnose(got, _cross_entropy_mistakes(z, y))
        if not hint and not _finite(got):
            hint = say(LOG_OF_ZERO_HINT) if i == 1 else say(NOT_PROBABILITIES_HINT)
        got = assert_close(label, got, ref.cross_entropy(z, y), F64,
                           hint or say("Return one number: the mean over the batch of -log softmax(z_n)[y_n]."))
        assert_close(say("{label} (against PyTorch)", label=label), got,
                     numpy(ref_torch.cross_entropy(z, y, dev)), DEVICE)
    ok(say("cross_entropy matches the references and F.cross_entropy, also for logits of size 1e4"))


# --- binary cross-entropy -------------------------------------------------------------

def _binary_cross_entropy_mistakes(z, t):
    per = np.maximum(z, 0) - t * z + np.log1p(np.exp(-np.abs(z)))
    with np.errstate(over="ignore"):
        no_abs = np.maximum(z, 0) - t * z + np.log1p(np.exp(-z))
    log_p = -(np.maximum(-z, 0) + np.log1p(np.exp(-np.abs(z))))  # log sigmoid(z), stable
    mistakes = {
        say(MEAN_NOT_SUM_HINT): per.sum(),
        say("binary cross-entropy is MINUS the mean of t log p + (1 - t) log(1 - p); check the sign."): -per.mean(),
        say("include the (1 - t) * log(1 - p) term: examples with target 0 count too."): -(t * log_p).mean(),
        say(NOT_PROBABILITIES_HINT):
            _quietly(lambda: -(t * np.log(z) + (1 - t) * np.log(1 - z)).mean()),
        say("the middle term is minus t * z."): (per + 2 * t * z).mean(),
    }
    if np.all(np.isfinite(no_abs)):  # where exp(-z) overflows, the stability hint says more
        mistakes[say("the last term is log(1 + exp(-|z|)), with the absolute value of z.")] = no_abs.mean()
    return mistakes


def _bce_cases(rng, shape, scale):
    z = rng.normal(size=shape) * scale
    t = rng.integers(0, 2, size=shape).astype(float)
    huge = np.array([1e4, -1e4, 1e4, -1e4, 40.0, -40.0, 800.0])
    cases = [(z, t), (huge, np.array([1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0]))]
    if len(shape) == 1:  # "mean over all entries" means every axis: a 2-D batch shows a mean over one axis
        cases.append((rng.normal(size=(3, 4)) * scale, rng.integers(0, 2, size=(3, 4)).astype(float)))
    return cases


def check_binary_cross_entropy(binary_cross_entropy, seed=0, shape=(8,), scale=3.0):
    """binary_cross_entropy(logits, targets) -> mean over all entries, from logits, stable."""
    rng = np.random.default_rng(seed)
    ref_torch, dev, numpy = torch_twin("losses")
    for i, (z, t) in enumerate(_bce_cases(rng, tuple(shape), scale)):
        label = say("binary_cross_entropy(logits, targets) for logits of shape {shape} (max abs value {top:.3g})",
                    shape=z.shape, top=np.max(np.abs(z)))
        written = "binary_cross_entropy(logits, targets)"  # not a message (code, written the same in every language)
        got = call(binary_cross_entropy, written, logits=z, targets=t)
        hint = diagnose(got, _binary_cross_entropy_mistakes(z, t))
        if not hint and not _finite(got):
            hint = say(BCE_UNSTABLE_HINT) if i == 1 else say(NOT_PROBABILITIES_HINT)
        got = assert_close(label, got, ref.binary_cross_entropy(z, t), F64,
                           hint or say("Return one number: the mean over all entries of softplus(z) - t * z."))
        assert_close(say("{label} (against PyTorch)", label=label), got,
                     numpy(ref_torch.binary_cross_entropy(z, t, dev)), DEVICE)
    ok(say("binary_cross_entropy matches F.binary_cross_entropy_with_logits, also for logits of size 1e4"))


# --- regression losses ----------------------------------------------------------------

def _regression_cases(rng, shape, scale):
    """Errors of mixed sizes (some below 1, some above) so that MAE, MSE and RMSE all differ."""
    target = rng.normal(size=shape)
    pred = target + rng.normal(size=shape) * scale * rng.choice([0.1, 1.0, 5.0], size=shape)
    return pred, target


# A value that another function here is graded on (the MSE among the mistakes of mae) comes
# from its reference, not from a formula written here.

def _mae_mistakes(pred, target):
    d = pred - target
    return {
        say("that is the MSE: take the absolute value of each error, not its square."): ref.mse(pred, target),
        say("take the absolute value of each error before averaging (positive and negative errors "
            "must not cancel)."): np.mean(d),
        say("take the absolute value of each error, then the mean (not the absolute value of the mean)."):
            abs(np.mean(d)),
        say(MEAN_NOT_SUM_HINT): np.sum(np.abs(d)),
    }


def _rmse_mistakes(pred, target):
    d = pred - target
    return {
        say("that is the MAE: square the errors, average them, then take the square root."): ref.mae(pred, target),
        say("that is the MSE: take the square root of the mean squared error."): ref.mse(pred, target),
        say("average the squared errors before the square root (np.sqrt(np.mean(d ** 2)))."):
            np.sqrt(np.sum(d * d)),
        say("the square root applies to the mean: sqrt(sum / N), not sqrt(sum) / N."): np.sqrt(np.sum(d * d)) / d.size,
        say("divide by the number of entries (all axes), not by the number of rows only."):
            np.sqrt(np.sum(d * d) / len(d)),
    }


def _check_regression(fn, name, mistakes, seed, shape, scale):
    """Check ``fn`` (graded as ``name``) on ``shape`` and, for a 1-D shape, on (3, 4) too."""
    rng = np.random.default_rng(seed)
    ref_torch, dev, numpy = torch_twin("losses")
    shapes = [tuple(shape)] + ([(3, 4)] if len(shape) == 1 else [])  # a 2-D case shows a mean over one axis
    for pred, target in (_regression_cases(rng, s, scale) for s in shapes):
        label = say("{name}(pred, target) for arrays of shape {shape}", name=name, shape=pred.shape)
        got = call(fn, label, pred=pred, target=target)
        hint = diagnose(got, mistakes(pred, target))
        got = assert_close(label, got, getattr(ref, name)(pred, target), F64,
                           hint or say("Return one number: a mean over all entries of the arrays (every axis)."))
        assert_close(say("{label} (against PyTorch)", label=label), got,
                     numpy(getattr(ref_torch, name)(pred, target, dev)), DEVICE)


def _shapes_text(shape):
    """The shapes a regression check ran on: '(10,) and (3, 4)' for a 1-D shape, else the shape."""
    return say("{shape} and (3, 4)", shape=tuple(shape)) if len(shape) == 1 else str(tuple(shape))


def check_mae(mae, seed=0, shape=(10,), scale=1.0):
    """mae(pred, target) -> mean over all entries of |pred - target| (F.l1_loss)."""
    _check_regression(mae, "mae", _mae_mistakes, seed, shape, scale)
    ok(say("mae matches the references and F.l1_loss on arrays of shape {shapes}", shapes=_shapes_text(shape)))


def check_rmse(rmse, seed=0, shape=(10,), scale=1.0):
    """rmse(pred, target) -> sqrt of the mean over all entries of (pred - target)^2."""
    _check_regression(rmse, "rmse", _rmse_mistakes, seed, shape, scale)
    ok(say("rmse matches the references and sqrt(F.mse_loss) on arrays of shape {shapes}",
           shapes=_shapes_text(shape)))
