"""Loss functions (chapter 04_softmax_losses; MSE from chapter 03).

Every loss returns the mean over the batch (a float).
"""

import numpy as np


def mse(pred, target):
    """Mean squared error: mean over all entries of (pred - target)^2. pred, target: same shape."""
    diff = np.asarray(pred, dtype=float) - np.asarray(target, dtype=float)
    return float(np.mean(diff * diff))
