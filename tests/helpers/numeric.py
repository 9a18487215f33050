"""Central-difference gradients for the reference tests (independent of the references)."""

import numpy as np


def numeric_grad(f, x, h=1e-6):
    """Central differences of the scalar f() with respect to the array x (changed in place, restored)."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f()
        x[i] = old - h
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * h)
    return grad
