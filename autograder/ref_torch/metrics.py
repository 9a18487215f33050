"""PyTorch twin of ``autograder.ref_numpy.metrics`` (chapter 07_training_practice).

Written the other way round, as a cross-check: the confusion matrix is one
``torch.bincount`` of the pair codes ``K * true + pred`` (the NumPy reference adds
ones with ``np.add.at``), and the ratios use ``torch.where`` on their denominators.
Same convention: rows are true classes; a zero denominator gives 0.
"""

import torch

from autograder.ref_torch._util import pick, tensor


def confusion_matrix(y_true, y_pred, n_classes, device=None):
    """(N,) integer labels -> (n_classes, n_classes) int64 tensor, cm[i, j] = #(true i, predicted j)."""
    dev = pick(device)
    t = torch.as_tensor(y_true, dtype=torch.int64, device=dev)
    p = torch.as_tensor(y_pred, dtype=torch.int64, device=dev)
    codes = t * n_classes + p
    return torch.bincount(codes, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def precision_recall_f1(cm, average=None, device=None):
    """Same as the NumPy reference: per-class (K,) tensors, or three floats for average="macro"."""
    cm = tensor(cm, pick(device))
    tp = torch.diagonal(cm)
    predicted, actual = cm.sum(dim=0), cm.sum(dim=1)
    precision, recall = _ratio(tp, predicted), _ratio(tp, actual)
    f1 = _ratio(2 * tp, predicted + actual)
    if average is None:
        return precision, recall, f1
    if average == "macro":
        return precision.mean().item(), recall.mean().item(), f1.mean().item()
    raise ValueError(f"average should be None or 'macro', got {average!r}")


def accuracy(cm, device=None):
    """trace(cm) / cm.sum() as a float (0 for an empty matrix)."""
    cm = tensor(cm, pick(device))
    total = cm.sum()
    return (torch.trace(cm) / total).item() if total > 0 else 0.0


def _ratio(num, den):
    """num / den, 0 where den == 0 (the safe denominator keeps 0/0 out of the graph)."""
    safe = torch.where(den > 0, den, torch.ones_like(den))
    return torch.where(den > 0, num / safe, torch.zeros_like(num))
