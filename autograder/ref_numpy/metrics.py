"""Classification metrics from a confusion matrix (chapter 07_training_practice).

Convention (scikit-learn's): ``cm[i, j]`` counts the examples whose TRUE class is i
and whose PREDICTED class is j. Rows are true classes, columns are predictions, so
for class c

- true positives  TP_c = cm[c, c]
- false negatives FN_c = row c minus the diagonal   (class c, predicted as another)
- false positives FP_c = column c minus the diagonal (another class, predicted as c)

precision_c = TP_c / (TP_c + FP_c)   (of the examples predicted c, the fraction that are c)
recall_c    = TP_c / (TP_c + FN_c)   (of the examples that are c, the fraction found)
F1_c        = 2 precision_c recall_c / (precision_c + recall_c) = 2 TP_c / (2 TP_c + FP_c + FN_c)

A ratio whose denominator is 0 is 0, as in scikit-learn with ``zero_division=0``:
the precision of a class that is never predicted, the recall of a class that never
occurs, and the F1 of a class with TP = FP = FN = 0. Macro averages are plain means
over all ``n_classes`` classes (each class weighs the same; absent classes count as 0);
the macro F1 is the mean of the per-class F1, not the F1 of the macro precision and recall.
"""

import numpy as np


def confusion_matrix(y_true, y_pred, n_classes):
    """y_true, y_pred: (N,) integers in [0, n_classes) -> (n_classes, n_classes) int64 counts.

    cm[i, j] = number of n with y_true[n] == i and y_pred[n] == j (rows: true class).
    """
    y_true, y_pred = _labels(y_true, n_classes, "y_true"), _labels(y_pred, n_classes, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true {y_true.shape} and y_pred {y_pred.shape} differ in length")
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(cm, (y_true, y_pred), 1)  # add.at counts repeated (i, j) pairs; cm[i, j] += 1 would not
    return cm


def precision_recall_f1(cm, average=None):
    """Per-class or macro-averaged precision, recall and F1 of a confusion matrix.

    cm: (K, K) counts, rows = true class. average=None -> (precision, recall, f1), each
    (K,) float64; average="macro" -> three floats, the means of those arrays.
    Zero denominators give 0 (scikit-learn's zero_division=0).
    """
    cm = np.asarray(cm, dtype=np.float64)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"cm should be a square (K, K) matrix, got shape {cm.shape}")
    tp = np.diag(cm)
    predicted, actual = cm.sum(axis=0), cm.sum(axis=1)  # column sums TP+FP, row sums TP+FN
    precision, recall = _ratio(tp, predicted), _ratio(tp, actual)
    f1 = _ratio(2 * tp, predicted + actual)  # 2TP / (2TP + FP + FN), the harmonic mean
    if average is None:
        return precision, recall, f1
    if average == "macro":
        return float(precision.mean()), float(recall.mean()), float(f1.mean())
    raise ValueError(f"average should be None or 'macro', got {average!r}")


def accuracy(cm):
    """Fraction of examples on the diagonal: trace(cm) / cm.sum() (0 for an empty matrix)."""
    cm = np.asarray(cm, dtype=np.float64)
    total = cm.sum()
    return float(np.trace(cm) / total) if total > 0 else 0.0


def _ratio(num, den):
    """num / den entrywise, 0 where den == 0 (no division by zero is attempted)."""
    out = np.zeros_like(num, dtype=np.float64)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _labels(y, n_classes, name):
    """y as a 1-D int64 array in [0, n_classes), or a ValueError that says what is wrong."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"{name} should have shape (N,), got {y.shape}")
    if y.size and y.dtype.kind not in "iu":
        raise ValueError(f"{name} should hold integer class labels, got dtype {y.dtype}")
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"{name} should lie in [0, {n_classes}), got {y.min()}..{y.max()}")
    return y.astype(np.int64)
