"""ref_numpy.validation: folds against scikit-learn's StratifiedKFold, early stopping against
its definition, both against the PyTorch twins."""

import numpy as np
import pytest
from sklearn.model_selection import StratifiedKFold

from autograder.ref_numpy import validation as ref
from autograder.ref_torch import validation as twin
from autograder.ref_torch._util import numpy


def class_by_fold(y, folds):
    """(n_classes, k) counts: how many examples of each class each fold holds."""
    classes = np.unique(y)
    return np.array([[np.sum(y[f] == c) for f in folds] for c in classes])


def sorted_labels(seed, n, k_classes):
    """Labels whose classes first appear in increasing order (scikit-learn's class order then agrees)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k_classes, size=n)
    y[:k_classes] = np.arange(k_classes)
    return y


@pytest.mark.parametrize("seed,n,classes,k", [(0, 50, 3, 5), (1, 103, 10, 4), (2, 17, 2, 3), (3, 40, 7, 10),
                                              (4, 12, 3, 12), (5, 200, 4, 5)])
def test_folds_partition_and_match_sklearn_allocation(seed, n, classes, k, dev):
    y = sorted_labels(seed, n, classes)
    folds = ref.kfold_indices(y, k, seed)
    assert len(folds) == k and all(f.dtype == np.int64 for f in folds)
    assert all(np.all(np.diff(f) > 0) for f in folds)  # sorted, no repeats
    np.testing.assert_array_equal(np.sort(np.concatenate(folds)), np.arange(n))
    sizes = [len(f) for f in folds]
    assert max(sizes) - min(sizes) <= 1
    counts = class_by_fold(y, folds)
    assert np.all(counts.max(axis=1) - counts.min(axis=1) <= 1)
    if np.bincount(y).min() >= k:  # scikit-learn warns when a class has fewer members than folds
        sk_folds = [test for _, test in StratifiedKFold(k, shuffle=True, random_state=seed).split(np.zeros(n), y)]
        np.testing.assert_array_equal(counts, class_by_fold(y, sk_folds))
    twin_folds = [numpy(f) for f in twin.kfold_indices(y, k, seed, dev)]
    np.testing.assert_array_equal(np.sort(np.concatenate(twin_folds)), np.arange(n))
    np.testing.assert_array_equal(counts, class_by_fold(y, twin_folds))


def test_folds_follow_the_documented_rule():
    y = np.array([1, 0, 1, 1, 0, 2, 1])
    rng = np.random.default_rng(5)
    dealt = np.concatenate([rng.permutation(np.flatnonzero(y == c)) for c in (0, 1, 2)])
    want = [np.sort(dealt[i::3]) for i in range(3)]
    for got, w in zip(ref.kfold_indices(y, 3, 5), want):
        np.testing.assert_array_equal(got, w)


def test_folds_deterministic_and_seed_dependent():
    y = sorted_labels(0, 60, 4)
    a, b, c = ref.kfold_indices(y, 5, 1), ref.kfold_indices(y, 5, 1), ref.kfold_indices(y, 5, 2)
    assert all(np.array_equal(x, z) for x, z in zip(a, b))
    assert not all(np.array_equal(x, z) for x, z in zip(a, c))


def test_folds_with_arbitrary_labels_and_rare_class():
    y = np.array([7] * 10 + [3] * 2 + [-1] * 5)  # a class with fewer members than folds
    folds = ref.kfold_indices(y, 4, 0)
    np.testing.assert_array_equal(np.sort(np.concatenate(folds)), np.arange(len(y)))
    counts = class_by_fold(y, folds)
    assert np.all(counts.max(axis=1) - counts.min(axis=1) <= 1)


@pytest.mark.parametrize("k", [1, 0, 8])
def test_folds_refuse_bad_k(k):
    with pytest.raises(ValueError):
        ref.kfold_indices(np.arange(7) % 2, k, 0)


def test_train_indices_are_the_complement():
    y = sorted_labels(3, 23, 3)
    folds = ref.kfold_indices(y, 4, 0)
    for i, f in enumerate(folds):
        np.testing.assert_array_equal(np.sort(np.concatenate([ref.train_indices(folds, i), f])), np.arange(23))


def test_train_val_split():
    tr, va = ref.train_val_split(60, 5, seed=0)
    assert len(va) == 5 and len(tr) == 55
    np.testing.assert_array_equal(np.sort(np.concatenate([tr, va])), np.arange(60))


# ---------------------------------------------------------------- early stopping

def simulate(losses, patience):
    """Early stopping by its definition, written independently: returns (kept epoch, stop epoch or None)."""
    best_loss, best, since = np.inf, None, 0
    for t, loss in enumerate(losses):
        if best is None or loss < best_loss:
            best_loss, best, since = loss, t, 0
        else:
            since += 1
            if since >= patience:
                return best, t
    return best, None


@pytest.mark.parametrize("losses,patience,want", [
    ([5, 4, 3, 3.5, 3.6, 2, 1], 2, 2),      # stops at epoch 4: the later minimum is never seen
    ([5, 4, 3, 3.5, 3.6, 2, 1], 3, 6),      # one more epoch of patience finds it
    ([1, 1, 1, 1], 2, 0),                    # ties do not improve: the earliest is kept
    ([3, 2, 1], 1, 2),                       # always improving: patience never runs out
    ([2, 3, 1], 1, 0),                       # patience 1 stops at the first epoch without progress
    ([4.0], 5, 0),
    ([3, 2, np.inf, np.inf, 1], 2, 1),       # a diverged epoch (inf) is no improvement
    ([3, 2, 2.5, 1, 1.5, 1.2, 1.1, 0.5], 3, 3),  # patience counts from the best epoch, not the first
])
def test_early_stopping_cases(losses, patience, want, dev):
    assert ref.early_stopping(losses, patience) == want
    assert twin.early_stopping(losses, patience, dev) == want
    assert simulate(losses, patience)[0] == want


def test_early_stopping_random_against_simulation(dev):
    rng = np.random.default_rng(0)
    for _ in range(200):
        t = int(rng.integers(1, 40))
        losses = np.round(np.cumsum(rng.normal(size=t)) + 10, 1)  # rounding makes ties
        patience = int(rng.integers(1, 6))
        want = simulate(losses, patience)[0]
        assert ref.early_stopping(losses, patience) == want
        assert twin.early_stopping(losses, patience, dev) == want
        stop = simulate(losses, patience)[1]
        seen = losses if stop is None else losses[:stop + 1]
        assert want == int(np.argmin(seen))  # the first minimum of what was seen


@pytest.mark.parametrize("losses,patience", [([], 2), ([1.0, 2.0], 0)])
def test_early_stopping_refuses_bad_input(losses, patience):
    with pytest.raises(ValueError):
        ref.early_stopping(losses, patience)
