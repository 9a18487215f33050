"""A multi-layer perceptron in batch form (chapter 03_forward_mnist; chapter 05 trains it).

Notation (the book's, fixed in chapter 03): superscript l = layer, subscript j = node.
Layer 0 is the input; layer l = 1..L has n_l nodes with weighted inputs z^l and
activations a^l = sigma(z^l).

Convention: one example per row. Layer l has W^l of shape (n_{l-1}, n_l) and b^l of
shape (n_l,), so z^l = a^{l-1} W^l + b^l for a whole batch at once (b^l is added to
every row). The lectures write W^l with shape (n_l, n_{l-1}) acting on a column
vector, z^l = W^l a^{l-1} + b^l; our W^l is its transpose: W^l[k, j] is the weight from
node k of layer l-1 to node j of layer l.
"""

import numpy as np

from autograder.ref_numpy.activations import floating, sigmoid


def init_params(sizes, seed=0, scale=None):
    """[(W1, b1), ...] for layer sizes [n_0, n_1, ..., n_L]; W^l ~ N(0, 1/n_{l-1}) unless scale.

    W^l: (n_{l-1}, n_l), b^l: (n_l,) of zeros. ``scale`` fixes the standard deviation.
    """
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        std = np.sqrt(1.0 / n_in) if scale is None else scale
        params.append((rng.normal(0.0, std, size=(n_in, n_out)), np.zeros(n_out)))
    return params


def mlp_forward_cache(X, params, activation=sigmoid):
    """X: (N, n_0) -> (a^L (N, n_L), cache = (zs, activations)).

    zs[l] is z^{l+1}; activations[0] is X and activations[l] is a^l.
    """
    activations, zs = [floating(X)], []
    for W, b in params:
        zs.append(activations[-1] @ W + b)
        activations.append(activation(zs[-1]))
    return activations[-1], (zs, activations)


def mlp_forward(X, params, activation=sigmoid):
    """X: (N, n_0), params: [(W1, b1), ...] -> output a^L: (N, n_L)."""
    return mlp_forward_cache(X, params, activation)[0]


def predict(X, params, activation=sigmoid):
    """X: (N, n_0) -> (N,) int64: the class whose output unit is largest, per row."""
    return np.argmax(mlp_forward(X, params, activation), axis=1)
