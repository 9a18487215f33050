"""PyTorch twin of ``autograder.ref_numpy.validation`` (chapter 07_training_practice).

``kfold_indices`` follows the same documented rule with PyTorch's random stream
(``torch.randperm`` with a ``torch.Generator`` seeded by ``seed``), so its folds have
the same sizes and the same number of each class per fold as the NumPy reference, but
other members. ``early_stopping`` is vectorised (running minimum and cumulative maximum)
instead of a loop, as an independent cross-check of the NumPy reference's loop.
"""

import torch

from autograder.ref_torch._util import pick, tensor


def kfold_indices(y, k, seed, device=None):
    """Stratified k-fold: y (N,) -> list of k sorted int64 tensors of validation indices."""
    dev = pick(device)
    y = torch.as_tensor(y, device=dev)
    if not 2 <= k <= len(y):
        raise ValueError(f"k should lie in [2, N = {len(y)}], got {k}")
    gen = torch.Generator().manual_seed(int(seed))  # a CPU generator: the same stream on every device
    parts = []
    for c in torch.unique(y):  # sorted
        members = torch.nonzero(y == c).flatten()
        parts.append(members[torch.randperm(len(members), generator=gen).to(dev)])
    dealt = torch.cat(parts)
    return [torch.sort(dealt[i::k]).values for i in range(k)]


def early_stopping(val_losses, patience, device=None):
    """Same rule as the NumPy reference, without a loop -> int.

    best[t] = the first epoch of the lowest loss among epochs 0..t; wait[t] = t - best[t];
    training stops at the first t with wait[t] == patience.
    """
    losses = tensor(val_losses, pick(device))  # float64 (float32 on MPS, which has no float64)
    t = torch.arange(len(losses), device=losses.device)
    previous_best = torch.cat([losses[:1], torch.cummin(losses, dim=0).values[:-1]])
    improved = (losses < previous_best) | (t == 0)  # strict: a tie is no improvement
    best = torch.cummax(torch.where(improved, t, torch.zeros_like(t)), dim=0).values
    stops = torch.nonzero(t - best == patience).flatten()
    return int(best[stops[0]] if len(stops) else best[-1])
