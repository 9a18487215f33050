"""Layers with a forward and a backward pass (chapter 05_backprop).

Layer contract: ``<layer>_forward(x, ...) -> (out, cache)`` and
``<layer>_backward(dout, cache) -> (dx, dw, ...)``, where ``dout`` is the gradient
of the cost with respect to ``out`` and every returned ``d<name>`` has the shape
of ``<name>``. Batch convention: one example per row (see ``ref_numpy.mlp``).
"""


def affine_forward(x, W, b):
    """Fully connected layer z = x W + b.

    x: (N, D), W: (D, M), b: (M,) -> (out (N, M), cache = (x, W)).
    """
    return x @ W + b, (x, W)


def affine_backward(dout, cache):
    """Backward pass of ``affine_forward``.

    dout: (N, M), cache = (x (N, D), W (D, M)) -> (dx (N, D), dW (D, M), db (M,)).
    The gradients are summed over the batch: a 1/N of the cost is already in ``dout``.
    """
    x, W = cache
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)
