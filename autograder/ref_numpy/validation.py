"""Held-out data: a validation split, stratified k-fold indices and early stopping
(chapter 07_training_practice).

``kfold_indices`` follows one documented rule, so that anyone can reproduce it:

1. ``rng = np.random.default_rng(seed)``.
2. For each class c in increasing order (``np.unique(y)``), shuffle the positions of its
   examples: ``rng.permutation(np.flatnonzero(y == c))``.
3. Concatenate these shuffled lists, class after class, and deal the result out like
   cards: its i-th entry goes to fold ``i % k``.
4. Sort the indices inside each fold.

Dealing class after class puts ``floor(n_c / k)`` or ``ceil(n_c / k)`` examples of each
class c in every fold (stratification), and because the dealing goes on across classes,
fold sizes differ by at most 1. scikit-learn's ``StratifiedKFold`` deals the same way,
with the classes in order of first appearance in y: when that order is increasing, the
number of each class in each fold is exactly scikit-learn's. Which example lands in which
fold differs, because the random streams differ.

``early_stopping`` is the rule of Keras's ``EarlyStopping(patience=...)`` with
``restore_best_weights=True``: see its docstring.
"""

import numpy as np


def train_val_split(n, n_val, seed):
    """(train_idx, val_idx): a random split of range(n) with n_val validation examples, both sorted."""
    if not 0 <= n_val <= n:
        raise ValueError(f"n_val should lie in [0, {n}], got {n_val}")
    order = np.random.default_rng(seed).permutation(n)
    return np.sort(order[n_val:]), np.sort(order[:n_val])


def kfold_indices(y, k, seed):
    """Stratified k-fold: y (N,) class labels -> list of k sorted int64 arrays of validation indices.

    Every index 0..N-1 is in exactly one fold; each class is spread over the folds as
    evenly as possible (counts differ by at most 1), and so are the fold sizes. The rule
    (module docstring) is deterministic for a given seed. Requires 2 <= k <= N.
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y should have shape (N,), got {y.shape}")
    if not 2 <= k <= len(y):
        raise ValueError(f"k should lie in [2, N = {len(y)}], got {k}")
    rng = np.random.default_rng(seed)
    dealt = np.concatenate([rng.permutation(np.flatnonzero(y == c)) for c in np.unique(y)])
    return [np.sort(dealt[i::k]).astype(np.int64) for i in range(k)]


def train_indices(folds, i):
    """The training indices of round i: every fold but fold i, concatenated and sorted."""
    return np.sort(np.concatenate([f for j, f in enumerate(folds) if j != i]))


def early_stopping(val_losses, patience):
    """The epoch whose weights to keep when training stops after ``patience`` epochs without progress.

    val_losses: the validation loss after epochs 0, 1, ..., T-1 (finite numbers or inf);
    patience: int >= 1. Epoch t improves when val_losses[t] is strictly below the best loss
    so far (a tie is no improvement, so the earliest of equal losses is kept). After every
    epoch without improvement a counter grows by 1; an improvement resets it to 0. When the
    counter reaches ``patience`` training stops, and the result is the best epoch so far, not
    the epoch where patience ran out. If patience never runs out, the result is the best
    epoch among all T (the first index of the minimum). Returns an int in [0, T).
    """
    losses = np.asarray(val_losses, dtype=np.float64)
    if losses.ndim != 1 or losses.size == 0:
        raise ValueError("val_losses should be a non-empty sequence of numbers")
    if patience < 1:
        raise ValueError(f"patience should be at least 1, got {patience}")
    best, wait = 0, 0
    for t in range(1, losses.size):
        if losses[t] < losses[best]:
            best, wait = t, 0
        else:
            wait += 1
            if wait == patience:
                break
    return best
