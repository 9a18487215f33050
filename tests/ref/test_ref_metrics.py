"""ref_numpy.metrics against scikit-learn (zero_division=0) and against the PyTorch twin."""

import warnings

import numpy as np
import pytest
from sklearn import metrics as skm

from autograder.checks.compare import DEVICE, F64
from autograder.ref_numpy import metrics as ref
from autograder.ref_torch import metrics as twin
from autograder.ref_torch._util import numpy


def labels(seed, n, k, missing_true=(), missing_pred=()):
    """Random (y_true, y_pred) over k classes; the listed classes never occur / are never predicted."""
    rng = np.random.default_rng(seed)
    allowed_true = [c for c in range(k) if c not in missing_true]
    allowed_pred = [c for c in range(k) if c not in missing_pred]
    y_true = rng.choice(allowed_true, size=n)
    y_pred = np.where(rng.random(n) < 0.6, y_true, rng.choice(allowed_pred, size=n))
    y_pred = np.where(np.isin(y_pred, missing_pred), rng.choice(allowed_pred, size=n), y_pred)
    return y_true, y_pred


CASES = [
    dict(seed=0, n=40, k=3),
    dict(seed=1, n=200, k=10),
    dict(seed=2, n=30, k=5, missing_pred=(1,)),           # a class never predicted
    dict(seed=3, n=30, k=5, missing_true=(4,)),           # a class that never occurs
    dict(seed=4, n=25, k=6, missing_true=(2,), missing_pred=(2, 5)),  # one class absent everywhere
    dict(seed=5, n=1, k=2),
]


@pytest.mark.parametrize("case", CASES)
def test_confusion_matrix_matches_sklearn_and_torch(case, dev):
    y_true, y_pred = labels(**case)
    k = case["k"]
    cm = ref.confusion_matrix(y_true, y_pred, k)
    assert cm.dtype == np.int64 and cm.shape == (k, k)
    np.testing.assert_array_equal(cm, skm.confusion_matrix(y_true, y_pred, labels=np.arange(k)))
    np.testing.assert_array_equal(cm, numpy(twin.confusion_matrix(y_true, y_pred, k, dev)))
    assert cm.sum() == len(y_true)


def test_confusion_matrix_rows_are_true_classes():
    cm = ref.confusion_matrix(np.array([0, 0, 1]), np.array([1, 1, 1]), 2)
    np.testing.assert_array_equal(cm, [[0, 2], [0, 1]])


@pytest.mark.parametrize("bad", [np.array([0, 3]), np.array([-1, 0]), np.array([0.0, 1.0]), np.zeros((2, 1), int)])
def test_confusion_matrix_refuses_bad_labels(bad):
    with pytest.raises(ValueError):
        ref.confusion_matrix(bad, np.array([0, 1]), 3)


@pytest.mark.parametrize("case", CASES)
def test_precision_recall_f1_match_sklearn_zero_division_0(case, dev):
    y_true, y_pred = labels(**case)
    k = case["k"]
    cm = ref.confusion_matrix(y_true, y_pred, k)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # zero_division=0 must not warn either
        want = skm.precision_recall_fscore_support(y_true, y_pred, labels=np.arange(k), zero_division=0)
        want_macro = skm.precision_recall_fscore_support(y_true, y_pred, labels=np.arange(k),
                                                         average="macro", zero_division=0)
        got = ref.precision_recall_f1(cm)
        got_macro = ref.precision_recall_f1(cm, average="macro")
    for g, w, t in zip(got, want[:3], twin.precision_recall_f1(cm, device=dev)):
        assert g.shape == (k,) and g.dtype == np.float64
        np.testing.assert_allclose(g, w, **F64)
        np.testing.assert_allclose(g, numpy(t), **DEVICE)
    np.testing.assert_allclose(got_macro, want_macro[:3], **F64)
    np.testing.assert_allclose(got_macro, twin.precision_recall_f1(cm, "macro", dev), **DEVICE)
    assert all(isinstance(v, float) for v in got_macro)


def test_zero_division_gives_zero_not_nan():
    cm = np.array([[3, 0, 0], [2, 0, 0], [0, 0, 0]])  # class 1 never predicted, class 2 absent
    precision, recall, f1 = ref.precision_recall_f1(cm)
    np.testing.assert_array_equal(precision, [0.6, 0.0, 0.0])
    np.testing.assert_array_equal(recall, [1.0, 0.0, 0.0])
    np.testing.assert_allclose(f1, [0.75, 0.0, 0.0], **F64)
    assert not np.isnan(ref.precision_recall_f1(np.zeros((2, 2)), "macro")).any()


def test_macro_is_not_micro():
    """Macro averages classes; micro pools counts and equals accuracy for single-label problems."""
    y_true = np.array([0] * 90 + [1] * 10)
    y_pred = np.zeros(100, dtype=int)  # always the majority class
    cm = ref.confusion_matrix(y_true, y_pred, 2)
    assert ref.accuracy(cm) == pytest.approx(0.9)
    assert skm.f1_score(y_true, y_pred, average="micro") == pytest.approx(ref.accuracy(cm))
    _, macro_recall, macro_f1 = ref.precision_recall_f1(cm, "macro")
    assert macro_recall == pytest.approx(0.5)
    assert macro_f1 == pytest.approx(skm.f1_score(y_true, y_pred, average="macro", zero_division=0))
    assert macro_f1 < 0.5


def test_macro_f1_is_the_mean_of_per_class_f1():
    y_true, y_pred = labels(seed=7, n=60, k=4)
    cm = ref.confusion_matrix(y_true, y_pred, 4)
    p, r, f1 = ref.precision_recall_f1(cm, "macro")
    assert f1 == pytest.approx(ref.precision_recall_f1(cm)[2].mean(), rel=F64["rtol"], abs=F64["atol"])
    assert f1 != pytest.approx(2 * p * r / (p + r), rel=1e-6)


def test_accuracy_matches_sklearn_and_torch(dev):
    y_true, y_pred = labels(seed=8, n=77, k=7)
    cm = ref.confusion_matrix(y_true, y_pred, 7)
    assert ref.accuracy(cm) == pytest.approx(skm.accuracy_score(y_true, y_pred), rel=1e-15)
    assert twin.accuracy(cm, dev) == pytest.approx(ref.accuracy(cm), rel=DEVICE["rtol"], abs=DEVICE["atol"])
    assert ref.accuracy(np.zeros((3, 3))) == 0.0


def test_precision_recall_f1_refuses_bad_input():
    with pytest.raises(ValueError):
        ref.precision_recall_f1(np.ones((2, 3)))
    with pytest.raises(ValueError):
        ref.precision_recall_f1(np.eye(2), average="micro")
