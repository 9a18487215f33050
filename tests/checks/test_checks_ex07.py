"""Every check of exercise 07 passes the reference and fails plausible wrong answers,
with a message that names the mistake."""


import numpy as np
import pytest

from autograder.checks import ex07_training_practice as ex
from autograder.checks.compare import NotImplementedYet
from autograder.ref_numpy import metrics, validation
from helpers.checking import HANGUL, fails, messages_in_both, numbers, passes


# ---------------------------------------------------------------- confusion_matrix

@pytest.mark.parametrize("kwargs", [{}, dict(seed=3, n=7, n_classes=3), dict(seed=4, n=200, n_classes=10)])
def test_confusion_matrix_passes_reference(kwargs, capsys):
    passes(ex.check_confusion_matrix, metrics.confusion_matrix, capsys=capsys, **kwargs)


def _cm_loop(y_true, y_pred, n_classes):
    """A correct answer written as a student might: a Python loop, float counts."""
    cm = np.zeros((n_classes, n_classes))
    for t, p in zip(y_true, y_pred):
        cm[t, p] += 1
    return cm


def test_confusion_matrix_accepts_a_loop_with_float_counts(capsys):
    passes(ex.check_confusion_matrix, _cm_loop, capsys=capsys)


def _cm_fancy(y_true, y_pred, n_classes):
    cm = np.zeros((n_classes, n_classes), dtype=int)
    cm[y_true, y_pred] += 1  # repeated pairs count once
    return cm


def _cm_unique(y_true, y_pred, n_classes):
    k = int(max(y_true.max(), y_pred.max())) + 1  # ignores n_classes
    return metrics.confusion_matrix(y_true, y_pred, k)


def _cm_sorts_in_place(y_true, y_pred, n_classes):
    y_true.sort()
    return metrics.confusion_matrix(y_true, y_pred, n_classes)


@pytest.mark.parametrize("wrong,match", [
    (lambda t, p, k: metrics.confusion_matrix(t, p, k).T, "rows are true classes.*predictions in the rows"),
    (_cm_fancy, "repeated pairs only once"),
    (_cm_unique, r"shape \(3, 3\) but should have shape \(4, 4\).*even for classes that never occur"),
    (lambda t, p, k: metrics.confusion_matrix(t, p, k).tolist(), "should be"),
    (_cm_sorts_in_place, "changed its argument y_true in place"),
])
def test_confusion_matrix_rejects_wrong_answers(wrong, match):
    fails(ex.check_confusion_matrix, wrong, match=match)


def test_stub_is_reported_as_not_implemented():
    def stub(y_true, y_pred, n_classes):
        raise NotImplementedError()
    with pytest.raises(NotImplementedYet, match="not implemented yet"):
        ex.check_confusion_matrix(stub)


# ---------------------------------------------------------------- precision_recall_f1

@pytest.mark.parametrize("kwargs", [{}, dict(seed=5, n_classes=3), dict(seed=6, n_classes=10)])
def test_precision_recall_f1_passes_reference(kwargs, capsys):
    passes(ex.check_precision_recall_f1, metrics.precision_recall_f1, capsys=capsys, **kwargs)


def _prf(cm, average=None, swap=False, nan=False, micro=False, f1_of_means=False, skip_absent=False):
    """A student's metrics with switches for the usual mistakes."""
    cm = np.asarray(cm, dtype=float)
    tp, cols, rows = np.diag(cm), cm.sum(axis=0), cm.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p, r = tp / cols, tp / rows
        f1 = 2 * p * r / (p + r)
    if not nan:
        p, r, f1 = np.nan_to_num(p), np.nan_to_num(r), np.nan_to_num(f1)
    if swap:
        p, r = r, p
    if average is None:
        return p, r, f1
    if micro:
        acc = np.trace(cm) / cm.sum()
        return acc, acc, acc
    if skip_absent:
        return (np.nanmean(np.where(cols > 0, p, np.nan)), np.nanmean(np.where(rows > 0, r, np.nan)),
                f1[cols + rows > 0].mean())
    if f1_of_means:
        return p.mean(), r.mean(), 2 * p.mean() * r.mean() / (p.mean() + r.mean())
    return p.mean(), r.mean(), f1.mean()


def test_precision_recall_f1_accepts_nan_to_num_answer(capsys):
    passes(ex.check_precision_recall_f1, _prf, capsys=capsys)


def _prf_raises(cm, average=None):
    cm = np.asarray(cm, dtype=float)
    tp = np.diag(cm)
    if (cm.sum(axis=0) == 0).any():
        raise ZeroDivisionError("division by zero")
    return tp / cm.sum(axis=0), tp / cm.sum(axis=1), tp


@pytest.mark.parametrize("wrong,match", [
    (lambda cm, average=None: _prf(cm, average, swap=True), "precision and recall are swapped"),
    (lambda cm, average=None: _prf(cm, average, nan=True), "NaN but should be 0.*zero_division=0"),
    (lambda cm, average=None: _prf(cm, average, micro=True), "micro average.*equals the accuracy"),
    (lambda cm, average=None: _prf(cm, average, f1_of_means=True), "mean of the per-class F1"),
    (lambda cm, average=None: _prf(cm, average, skip_absent=True), "every class counts in the macro average"),
    (_prf_raises, "raised ZeroDivisionError.*zero_division=0"),
    (lambda cm, average=None: _prf(cm, None), "tuple of 3 values|should be one number|shape"),
])
def test_precision_recall_f1_rejects_wrong_answers(wrong, match):
    fails(ex.check_precision_recall_f1, wrong, match=match)


def test_precision_recall_f1_names_the_macro_mistakes_on_hidden_inputs():
    for kwargs in (dict(seed=11, n_classes=3), dict(seed=12, n_classes=8)):
        fails(ex.check_precision_recall_f1, lambda cm, average=None: _prf(cm, average, micro=True),
              match="micro average", **kwargs)
        fails(ex.check_precision_recall_f1, lambda cm, average=None: _prf(cm, average, swap=True), match="swapped",
              **kwargs)


# ---------------------------------------------------------------- kfold_indices

@pytest.mark.parametrize("kwargs", [{}, dict(seed=7, n=23, n_classes=2, k=3), dict(seed=8, n=101, n_classes=10, k=4),
                                    dict(seed=9, n=12, n_classes=3, k=12)])
def test_kfold_indices_passes_reference(kwargs, capsys):
    passes(ex.check_kfold_indices, validation.kfold_indices, capsys=capsys, **kwargs)


def _kfold_sklearn_style(y, k, seed):
    """A different valid rule: per class, shuffled fold labels from a balanced allocation (any stream)."""
    rng = np.random.default_rng(seed + 1000)
    fold_of = np.empty(len(y), dtype=int)
    order = np.sort(y)
    alloc = np.array([np.bincount(np.searchsorted(np.unique(y), order[i::k]), minlength=len(np.unique(y)))
                      for i in range(k)])
    for j, c in enumerate(np.unique(y)):
        labels = np.repeat(np.arange(k), alloc[:, j])
        fold_of[y == c] = rng.permutation(labels)
    return [np.flatnonzero(fold_of == i) for i in range(k)]


def test_kfold_indices_accepts_another_valid_rule(capsys):
    passes(ex.check_kfold_indices, _kfold_sklearn_style, capsys=capsys)
    passes(ex.check_kfold_indices, _kfold_sklearn_style, capsys=capsys, seed=3, n=47, n_classes=4, k=3)


def _unstratified(y, k, seed):
    order = np.random.default_rng(seed).permutation(len(y))
    return np.array_split(order, k)


def _unshuffled(y, k, seed):
    return np.array_split(np.arange(len(y)), k)


def _overlap(y, k, seed):
    folds = validation.kfold_indices(y, k, seed)
    folds[1] = np.append(folds[1], folds[0][0])  # example in two folds
    return folds


def _drops_remainder(y, k, seed):
    folds = validation.kfold_indices(y, k, seed)
    size = min(len(f) for f in folds)
    return [f[:size] for f in folds]  # equal sizes by dropping examples


def _per_class_from_fold_0(y, k, seed):
    """Stratified, but every class starts dealing at fold 0: fold 0 grows too large."""
    rng = np.random.default_rng(seed)
    folds = [[] for _ in range(k)]
    for c in np.unique(y):
        for i, idx in enumerate(rng.permutation(np.flatnonzero(y == c))):
            folds[i % k].append(idx)
    return [np.array(sorted(f)) for f in folds]


def _ignores_seed(y, k, seed):
    return validation.kfold_indices(y, k, 0)


def _global_random(y, k, seed):
    return validation.kfold_indices(y, k, int(np.random.randint(1 << 30)))


def _shuffles_y_in_place(y, k, seed):
    np.random.default_rng(seed).shuffle(y)
    return validation.kfold_indices(y, k, seed)


@pytest.mark.parametrize("wrong,match", [
    (_unstratified, "not stratified: class"),
    (_unshuffled, "not stratified: class"),
    (_overlap, r"example \d+ is in 2 validation folds"),
    (_drops_remainder, r"is in no fold.*remainder"),
    (_per_class_from_fold_0, r"fold sizes .* differ by more than 1"),
    (_ignores_seed, "seeds 1 and 2 gave the same folds"),
    (_global_random, "same seed gave different folds"),
    (_shuffles_y_in_place, "changed its argument y in place"),
    (lambda y, k, seed: validation.kfold_indices(y, k, seed)[:-1], "list of k = 5 arrays"),
    (lambda y, k, seed: [f.astype(float) for f in validation.kfold_indices(y, k, seed)], "integer indices"),
])
def test_kfold_indices_rejects_wrong_answers(wrong, match):
    fails(ex.check_kfold_indices, wrong, match=match, seed=1)


def test_kfold_indices_dealing_from_fold_0_per_class_fails_the_visible_call():
    """With the notebook's own arguments (seed 0, 63 labels) the random class counts hid this mistake."""
    fails(ex.check_kfold_indices, _per_class_from_fold_0,
          match=r"for 24 labels: fold sizes \[8, 4, 4, 4, 4\] differ by more than 1")


def test_kfold_indices_rejects_unstratified_on_hidden_inputs():
    for kwargs in (dict(seed=21, n=90, n_classes=4, k=3), dict(seed=22, n=200, n_classes=10, k=5)):
        fails(ex.check_kfold_indices, _unstratified, match="not stratified", **kwargs)


# ---------------------------------------------------------------- early_stopping

def test_early_stopping_passes_reference(capsys):
    passes(ex.check_early_stopping, validation.early_stopping, capsys=capsys)
    passes(ex.check_early_stopping, validation.early_stopping, capsys=capsys, seed=5, n_random=50, max_epochs=100)


def _stops(losses, patience, returns_stop=False, ties=False, since_previous=False, offset=0, no_reset=False,
           whole_list=False):
    """A student's early stopping with switches for the usual mistakes."""
    if whole_list:
        return int(np.argmin(losses))
    best, wait = 0, 0
    for t in range(1, len(losses)):
        against = losses[t - 1] if since_previous else losses[best]
        if losses[t] < against or (ties and losses[t] == against):
            best, wait = t, (wait if no_reset else 0)
        else:
            wait += 1
            if wait >= patience + offset:
                return t if returns_stop else best
    return best


def _stops_with_early_return(losses, patience):
    """A correct answer in another style: the first minimum of the epochs seen before stopping."""
    best = 0
    for t in range(len(losses)):
        if losses[t] < losses[best]:
            best = t
        if t - best >= patience:
            break
    return best


def test_early_stopping_accepts_another_correct_style(capsys):
    passes(ex.check_early_stopping, _stops_with_early_return, capsys=capsys)


@pytest.mark.parametrize("wrong,match", [
    (lambda L, p: _stops(L, p, returns_stop=True), "not the epoch where patience ran out"),
    (lambda L, p: _stops(L, p, offset=1), "not patience \\+ 1"),
    (lambda L, p: _stops(L, p, offset=-1), "not patience - 1"),
    (lambda L, p: _stops(L, p, since_previous=True), "since the BEST loss, not since the previous epoch"),
    (lambda L, p: _stops(L, p, no_reset=True), "counter restarts at 0 at every improvement"),
    (lambda L, p: _stops(L, p, ties=True), "a tie is not an improvement"),
    (lambda L, p: _stops(L, p, whole_list=True), "not the minimum of the whole list"),
    (lambda L, p: float(_stops(L, p)), "should return one integer"),
    (lambda L, p: _stops(L, p) + 1, "Epochs are numbered from 0"),
])
def test_early_stopping_rejects_wrong_answers(wrong, match):
    fails(ex.check_early_stopping, wrong, match=match)


@pytest.mark.parametrize("switch,match", [
    (dict(offset=1), "not patience \\+ 1"),
    (dict(whole_list=True), "not the minimum of the whole list"),
])
def test_early_stopping_names_only_the_mistake_that_fits_every_case(switch, match):
    """On the first case three mistakes give the same epoch; the other cases tell which one it is."""
    with pytest.raises(AssertionError, match=match) as info:
        ex.check_early_stopping(lambda L, p: _stops(L, p, **switch))
    assert "Or:" not in str(info.value)


# ---------------------------------------------------------------- the float64 rule, relaxed (issue 20, item 10)

def _prf32(cm, average=None):
    """The reference's ratios computed in float32: integer counts, float32 ratios."""
    p, r, f1 = metrics.precision_recall_f1(np.asarray(cm).astype(np.float32), None)
    p, r, f1 = (v.astype(np.float32) for v in (p, r, f1))
    return (p, r, f1) if average is None else (p.mean(), r.mean(), f1.mean())


def test_precision_recall_f1_in_float32_is_accepted(capsys):
    """The exercise accepts float32 ratios of integer counts (it says so): no claim about float64 inputs."""
    passes(ex.check_precision_recall_f1, _prf32, capsys=capsys)


def test_precision_recall_f1_in_float32_that_is_wrong_still_fails_without_a_float64_claim():
    def swapped(cm, average=None):
        p, r, f1 = _prf32(cm, average)
        return r, p, f1
    with pytest.raises(AssertionError) as info:
        ex.check_precision_recall_f1(swapped)
    assert "swapped" in str(info.value) and "float64" not in str(info.value)


def test_exercise_07_states_the_number_types():
    import json
    from pathlib import Path
    path = Path(__file__).resolve().parents[2] / "solutions" / "07_training_practice" / "07_training_practice.ipynb"
    text = "".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "markdown")
    assert "float64 (NumPy's default) or float32 are both accepted" in text


# ---------------------------------------------------------------- Korean feedback (issue 22, item 5)

def test_a_named_mistake_reads_in_korean_with_the_same_numbers():
    """The transposed matrix is named in Korean, with the numbers of the English message."""
    def transposed(y_true, y_pred, n_classes):
        return metrics.confusion_matrix(y_true, y_pred, n_classes).T
    en, ko = messages_in_both(lambda: ex.check_confusion_matrix(transposed))
    assert "You put the predictions in the rows." in en and not HANGUL.search(en)
    assert "예측을 행에 놓았습니다." in ko and "predictions" not in ko
    assert numbers(ko) == numbers(en)
