"""Checks of exercise 07_training_practice: the confusion matrix, precision, recall and
F1 (per class and macro), stratified k-fold indices and early stopping.

The metrics are compared with the NumPy reference and the PyTorch twin; the folds,
which may come from any random stream, are checked by their properties (a partition,
stratified, deterministic for a seed, different for another seed) and compared with
the PyTorch twin's fold sizes and class counts; early stopping is compared on cases
built so that each usual mistake gives another epoch.
"""

import numpy as np

from autograder.checks.compare import DEVICE, EXACT, F32, assert_close, call, diagnose, explains, fail, narrow, ok, \
    plain, torch_twin, unpack
from autograder.checks.messages import say
from autograder.ref_numpy import metrics as ref_metrics
from autograder.ref_numpy import validation as ref_validation

# English templates, shown through say(NAME).
ROWS_HINT = ("cm[i, j] counts the examples whose TRUE class is i and whose PREDICTED class is j: "
             "rows are true classes, columns are predictions (scikit-learn's convention).")
#: Precision, recall and F1 are ratios of integer counts: float32 is accepted as well as float64
#: (the exercise says so), so they are compared to float32's precision, where float64 is not enforced.
RATIOS = F32
ZERO_DIVISION_HINT = ("a class that is never predicted has no precision (0/0), and one that never occurs "
                      "has no recall: the convention here, scikit-learn's zero_division=0, makes such a ratio 0, "
                      "not NaN (and without a division by zero: divide only where the denominator is positive).")


# ---------------------------------------------------------------- confusion matrix

def _labels_case(rng, n, n_classes):
    """(y_true, y_pred): class n_classes-1 never occurs and is never predicted, class 0 is never
    predicted, and the matrix is not symmetric (so a transposed answer cannot pass)."""
    k = n_classes
    while True:
        y_true = rng.integers(0, k - 1, size=n)
        y_pred = np.where(rng.random(n) < 0.5, y_true, rng.integers(0, k - 1, size=n))
        y_pred = np.where(y_pred == 0, 1 + rng.integers(0, k - 2, size=n), y_pred)
        cm = ref_metrics.confusion_matrix(y_true, y_pred, k)
        if not np.array_equal(cm, cm.T):
            return y_true, y_pred


@explains()
def check_confusion_matrix(confusion_matrix, seed=0, n=40, n_classes=4):
    """confusion_matrix(y_true, y_pred, n_classes) -> (K, K) counts, rows = true classes."""
    rng = np.random.default_rng(seed)
    twin, dev, numpy = torch_twin("metrics")
    for N, K in [(n, n_classes), (3 * n, n_classes + 3)]:
        y_true, y_pred = _labels_case(rng, N, K)
        label = say("confusion_matrix(y_true, y_pred, n_classes={K}) for {N} labels "
                    "(class 0 never predicted, class {last} never occurs)", K=K, N=N, last=K - 1)
        got = call(confusion_matrix, label, say("y_true and y_pred are integer arrays of shape (N,)."),
                   y_true=y_true, y_pred=y_pred, n_classes=K)
        want = ref_metrics.confusion_matrix(y_true, y_pred, K)
        hint = diagnose(got, _confusion_matrix_mistakes(want))
        got = assert_close(label, got, want, EXACT, hint or
                           say("The matrix has n_classes x n_classes = {K} x {K} entries, even for classes that "
                               "never occur or are never predicted. {rows}", K=K, rows=say(ROWS_HINT)))
        assert_close(label, got, numpy(twin.confusion_matrix(y_true, y_pred, K, dev)), EXACT, against="PyTorch")
    ok(say("confusion_matrix counts (true, predicted) pairs like the NumPy and PyTorch references"))


def _confusion_matrix_mistakes(want):
    """{hint: the wrong matrix} for the right (K, K) matrix want."""
    return {
        say("{rows} You put the predictions in the rows.", rows=say(ROWS_HINT)): want.T,
        say("count every example: cm[i, j] grows by one for each n with y_true[n] == i and y_pred[n] == j "
            "(a fancy-indexed cm[y_true, y_pred] += 1 counts repeated pairs only once)."): np.minimum(want, 1),
    }


# ---------------------------------------------------------------- precision, recall, F1

def _cm_case(rng, n_classes):
    """A random (K, K) count matrix whose class 1 is never predicted and last class never occurs."""
    K = n_classes
    cm = rng.integers(0, 6, size=(K, K)) + np.diag(rng.integers(3, 12, size=K))
    cm[:, 1] = 0       # never predicted: precision is 0/0
    cm[K - 1, :] = 0   # never occurs: recall is 0/0
    return cm


def _precision_recall_f1_mistakes(cm, average):
    """{hint: the wrong (precision, recall, f1)} for a confusion matrix cm."""
    p, r, f1 = ref_metrics.precision_recall_f1(cm)
    if average is None:
        return {say("precision and recall are swapped: precision divides TP by the COLUMN sum (all examples "
                    "predicted as the class), recall by the ROW sum (all examples that are the class). {rows}",
                    rows=say(ROWS_HINT)): (r, p, f1)}
    micro = ref_metrics.accuracy(cm)
    with np.errstate(invalid="ignore", divide="ignore"):
        nan_p = np.where(cm.sum(axis=0) > 0, p, np.nan)
        nan_r = np.where(cm.sum(axis=1) > 0, r, np.nan)
    mp, mr = p.mean(), r.mean()
    return {
        say("that is the micro average (counts pooled over all classes), which equals the accuracy here. "
            "The macro average computes the metric for each class, then takes their plain mean, so every class "
            "weighs the same, however rare."): (micro, micro, micro),
        say("the macro F1 is the mean of the per-class F1 scores, not the F1 of the macro precision and recall."):
            (mp, mr, 2 * mp * mr / (mp + mr)),
        say("every class counts in the macro average, also one whose ratio had a zero denominator (it counts "
            "as 0): take the mean over all n_classes, do not skip them."): (np.nanmean(nan_p), np.nanmean(nan_r),
                                                                           f1[(cm.sum(0) + cm.sum(1)) > 0].mean()),
        say("precision and recall are swapped. {rows}", rows=say(ROWS_HINT)): (mr, mp, f1.mean()),
    }


def _prf_hint(got, mistakes, i):
    """The hint for the i-th returned value (0 precision, 1 recall, 2 F1)."""
    try:
        arr = plain("value", got)
    except AssertionError:
        return ""
    if np.isnan(arr.astype(float)).any():
        return say(ZERO_DIVISION_HINT)
    return diagnose(arr, {h: v[i] for h, v in mistakes.items()})


@explains()
def check_precision_recall_f1(precision_recall_f1, seed=0, n_classes=5):
    """precision_recall_f1(cm, average) -> per-class arrays (average=None) or three macro floats."""
    rng = np.random.default_rng(seed)
    twin, dev, numpy = torch_twin("metrics")
    cm = _cm_case(rng, n_classes)
    names = ("precision", "recall", "f1")
    for average in (None, "macro"):
        label = say("precision_recall_f1(cm, average={average!r}) for a {K} x {K} cm "
                    "(class 1 never predicted, class {last} never occurs)", average=average, K=n_classes,
                    last=n_classes - 1)
        out = unpack(label, call(precision_recall_f1, label, say(ZERO_DIVISION_HINT), cm=cm, average=average), 3)
        want = ref_metrics.precision_recall_f1(cm, average)
        other = twin.precision_recall_f1(cm, average, dev)
        mistakes = _precision_recall_f1_mistakes(cm, average)
        for i, name in enumerate(names):
            hint = _prf_hint(out[i], mistakes, i)
            shape = (say("{name} has shape ({K},), one number per class.", name=name, K=n_classes)
                     if average is None else say("{name} has one number.", name=name))
            got = assert_close(f"{label}: {name}", out[i], want[i], RATIOS, hint or shape)
            twin_value = numpy(other[i]) if average is None else other[i]
            assert_close(f"{label}: {name}", got, twin_value, DEVICE, against="PyTorch")
    ok(say("precision_recall_f1 matches the references per class and macro-averaged, with 0 for 0/0"))


# ---------------------------------------------------------------- stratified k-fold

def _folds(kfold_indices, y, k, seed, n):
    """Call the student's function and return its folds as a list of k integer arrays."""
    label = say("kfold_indices(y, k={k}, seed={seed}) for {n} labels", k=k, seed=seed, n=n)
    out = call(kfold_indices, label, say("y is an integer array of shape (N,); return a list of k index arrays."),
               y=y, k=k, seed=seed)
    if isinstance(out, (list, tuple)) and len(out) != k:
        fail(say("{label} should return a list of k = {k} arrays (the validation indices of each fold), "
                 "got a {kind} of length {length}.", label=label, k=k, kind=type(out).__name__, length=len(out)))
    if not isinstance(out, (list, tuple)):
        fail(say("{label} should return a list of k = {k} arrays (the validation indices of each fold), "
                 "got a {kind}.", label=label, k=k, kind=type(out).__name__))
    folds = []
    for i, fold in enumerate(out):
        arr = plain(say("{label}: fold {i}", label=label, i=i), fold)
        if arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
            fail(say("{label}: fold {i} should be a 1-D array of integer indices, got {dtype} of shape {shape}.",
                     label=label, i=i, dtype=arr.dtype, shape=arr.shape))
        folds.append(arr.astype(np.int64))
    return label, folds


def _assert_partition(label, folds, n):
    """Every index 0..n-1 in exactly one fold."""
    everything = np.concatenate(folds) if folds else np.zeros(0, np.int64)
    outside = everything[(everything < 0) | (everything >= n)]
    if outside.size:
        fail(say("{label}: index {index} is not an example: indices run from 0 to N - 1 = {last}.",
                 label=label, index=outside[0], last=n - 1))
    seen = np.bincount(everything, minlength=n)
    if (seen > 1).any():
        i = int(np.argmax(seen > 1))
        where = [j for j, f in enumerate(folds) if i in f]
        fail(say("{label}: example {i} is in {count} validation folds ({where}); every example must be in "
                 "exactly one, so that each is validated once.", label=label, i=i, count=seen[i], where=where))
    if (seen == 0).any():
        i = int(np.argmax(seen == 0))
        fail(say("{label}: example {i} is in no fold ({missing} of {n} examples are missing); every example "
                 "must be in exactly one. Do not drop the remainder when k does not divide a count.",
                 label=label, i=i, missing=int((seen == 0).sum()), n=n))


def _class_counts(y, folds):
    """(n_classes, k) how many of each class each fold holds."""
    return np.array([[int(np.sum(y[f] == c)) for f in folds] for c in np.unique(y)])


def _assert_stratified(label, y, folds):
    """Each class and the fold sizes spread as evenly as possible (max - min <= 1)."""
    counts = _class_counts(y, folds)
    for c, row in zip(np.unique(y), counts):
        if row.max() - row.min() > 1:
            fail(say("{label}: the folds are not stratified: class {c} ({total} examples) has {most} in fold "
                     "{fuller} but {least} in fold {emptier}. Spread every class over the k folds separately "
                     "(counts may differ by at most 1), not the data as a whole.", label=label, c=c,
                     total=row.sum(), most=row.max(), fuller=int(np.argmax(row)), least=row.min(),
                     emptier=int(np.argmin(row))))
    sizes = np.array([len(f) for f in folds])
    if sizes.max() - sizes.min() > 1:
        fail(say("{label}: fold sizes {sizes} differ by more than 1. Keep dealing where the previous class "
                 "stopped instead of starting every class at fold 0.", label=label, sizes=sizes.tolist()))
    return counts


@explains()
def check_kfold_indices(kfold_indices, seed=0, n=63, n_classes=3, k=5):
    """kfold_indices(y, k, seed) -> k validation folds: a stratified partition, fixed by the seed."""
    rng = np.random.default_rng(seed)
    twin, dev, numpy = torch_twin("validation")
    weights = np.arange(1, n_classes + 1, dtype=float)
    y_sorted = np.sort(rng.choice(n_classes, size=n, p=weights / weights.sum()))  # imbalanced, grouped by class
    y_sorted[:n_classes] = np.arange(n_classes)
    y_sorted.sort()
    for y in (y_sorted, rng.permutation(y_sorted)):
        label, folds = _folds(kfold_indices, y, k, seed, n)
        _assert_partition(label, folds, n)
        counts = _assert_stratified(label, y, folds)
        _, again = _folds(kfold_indices, y, k, seed, n)
        if not all(np.array_equal(a, b) for a, b in zip(folds, again)):
            fail(say("{label}: two calls with the same seed gave different folds. Draw every random number from "
                     "one generator made from the seed (np.random.default_rng(seed)), not from the global state.",
                     label=label))
        _, other = _folds(kfold_indices, y, k, seed + 1, n)
        if all(np.array_equal(a, b) for a, b in zip(folds, other)):
            fail(say("{label}: seeds {seed} and {other} gave the same folds. Shuffle the examples of each class "
                     "with a generator made from the seed.", label=label, seed=seed, other=seed + 1))
        theirs = [numpy(f) for f in twin.kfold_indices(y, k, seed, dev)]
        assert_close(say("{label}: the sorted class counts per fold", label=label), np.sort(counts, axis=1),
                     np.sort(_class_counts(y, theirs), axis=1), EXACT, against="PyTorch")
    # Every class one example more than k: a dealer that restarts at fold 0 for each class piles the
    # remainders into fold 0, which random class counts may not show.
    y = np.repeat(np.arange(4), k + 1)
    label, folds = _folds(kfold_indices, y, k, seed, y.size)
    _assert_partition(label, folds, y.size)
    _assert_stratified(label, y, folds)
    ok(say("kfold_indices gives {k} stratified folds that partition the data, fixed by the seed", k=k))


# ---------------------------------------------------------------- early stopping

def _stopped_at(losses, patience, improves=lambda a, b: a < b, since_best=True, offset=0, reset=True,
               keep_stop=False):
    """The epoch a rule returns, with switches for the usual mistakes (the defaults are the right rule)."""
    best, wait, previous = 0, 0, losses[0]
    for t in range(1, len(losses)):
        if improves(losses[t], losses[best] if since_best else previous):
            best, wait = t, (0 if reset else wait)
        else:
            wait += 1
            if wait == patience + offset:
                return t if keep_stop else best
        previous = losses[t]
    return best


def _early_stopping_mistakes(losses, patience):
    """{hint: the epoch a mistaken rule returns} for one sequence of validation losses."""
    return {
        say("return the best epoch (whose weights you keep), not the epoch where patience ran out."):
            _stopped_at(losses, patience, keep_stop=True),
        say("training stops when patience runs out: the epochs after that are never seen, so the result is the "
            "best epoch up to the stop, not the minimum of the whole list."): int(np.argmin(losses)),
        say("a tie is not an improvement: an improvement is strictly lower than the best loss so far, so the "
            "earliest of equal losses is kept."): _stopped_at(losses, patience, improves=lambda a, b: a <= b),
        say("stop after exactly `patience` epochs without improvement, not patience + 1."):
            _stopped_at(losses, patience, offset=1),
        say("stop after exactly `patience` epochs without improvement, not patience - 1."):
            _stopped_at(losses, patience, offset=-1),
        say("count the epochs since the BEST loss, not since the previous epoch: a loss that is lower than the "
            "previous epoch but not lower than the best is no improvement."): _stopped_at(losses, patience,
                                                                                         since_best=False),
        say("the counter restarts at 0 at every improvement: it counts the epochs since the best one, not all "
            "epochs without improvement since epoch 0."): _stopped_at(losses, patience, reset=False),
    }


#: Visible cases: (losses, patience), each built so that some mistake gives another epoch.
CASES = [
    ([0.9, 0.7, 0.6, 0.65, 0.62, 0.5, 0.4, 0.45], 2),        # a later minimum after patience ran out
    ([1.0, 0.8, 0.9, 0.8, 0.95, 0.9], 3),                     # a tie with the best is no improvement
    ([1.0, 0.6, 0.7, 0.65, 0.68, 0.66, 0.3], 3),              # lower than the previous epoch, not the best
    ([1.0, 0.9, 0.95, 0.8, 0.85, 0.7, 0.75, 0.72], 2),        # the counter restarts at each improvement
    ([0.5, 0.4, 0.3, 0.2], 2),                                # patience never runs out
    ([0.3, 0.4, 0.2], 1),                                     # patience 1
]


def _random_losses(rng, t):
    """A noisy U-shaped validation curve of t epochs, rounded so that ties happen."""
    epochs = np.arange(t)
    curve = 1.0 / (1 + epochs) + 0.01 * epochs + rng.normal(scale=0.03, size=t)
    return [float(v) for v in np.round(curve, 2)]


def _narrow(early_stopping, cases, hints):
    """The hints whose mistaken rule also gives the student's answer on the other cases (compare.narrow).

    One case often cannot tell several mistakes apart; the others usually can.
    """
    def on(losses, patience):
        def keep(left):
            try:
                got = int(call(early_stopping, "early_stopping", val_losses=list(losses), patience=patience))
            except (AssertionError, TypeError, ValueError):  # its own verdict comes when the check reaches it
                return None
            variants = _early_stopping_mistakes(losses, patience)
            return [h for h in left if variants[h] == got]
        return keep
    return narrow(hints, (on(losses, patience) for losses, patience in cases))


@explains()
def check_early_stopping(early_stopping, seed=0, n_random=20, max_epochs=30):
    """early_stopping(val_losses, patience) -> the epoch to keep, on designed and random cases."""
    rng = np.random.default_rng(seed)
    twin, dev, _ = torch_twin("validation")
    cases = CASES + [(_random_losses(rng, int(rng.integers(2, max_epochs))), int(rng.integers(1, 6)))
                     for _ in range(n_random)]
    for losses, patience in cases:
        shown = ", ".join(f"{v:g}" for v in losses)
        label = f"early_stopping(val_losses=[{shown}], patience={patience})"
        got = call(early_stopping, label, say("val_losses is a list of floats; return an int."),
                   val_losses=list(losses), patience=patience)
        arr = plain(label, got, ())
        if arr.shape != () or arr.dtype.kind not in "iu":
            fail(say("{label} should return one integer (the index of an epoch), got {dtype} of shape {shape}.",
                     label=label, dtype=arr.dtype, shape=arr.shape))
        want = ref_validation.early_stopping(losses, patience)
        mistakes = _early_stopping_mistakes(losses, patience)
        matching = [h for h, v in mistakes.items() if v != want and v == int(arr)]
        matching = _narrow(early_stopping, cases, matching) if len(matching) > 1 else matching
        hint = diagnose(arr, {h: mistakes[h] for h in matching})
        got = assert_close(label, arr, want, EXACT, hint or
                           say("Epochs are numbered from 0; stop when `patience` epochs in a row have not beaten "
                               "the best loss so far, and return the best epoch."))
        assert_close(label, got, twin.early_stopping(losses, patience, dev), EXACT, against="PyTorch")
    ok(say("early_stopping keeps the right epoch in {n} cases", n=len(cases)))
