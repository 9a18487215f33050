"""XOR and the two-layer perceptron (chapter 02_xor_mlp).

Batch convention of the course: one example per ROW. A dense (fully connected)
layer has W of shape (n_in, n_out) and b of shape (n_out,), so that
Z = X @ W + b computes the whole batch at once. The lectures write z = W x + b
for one column vector x, with W of shape (n_out, n_in): our W is its transpose.
"""

import numpy as np

from autograder.ref_numpy.perceptron import GATES, step

#: XOR of the rows of ``perceptron.GATE_INPUTS`` ((0,0), (0,1), (1,0), (1,1)): (4,).
XOR_TARGETS = np.array([0.0, 1.0, 1.0, 0.0])


def _xor_weights():
    """Hidden units NAND and OR (columns of W1), output unit AND (``GATES``)."""
    w_nand, b_nand = GATES["nand"]
    w_or, b_or = GATES["or"]
    w_and, b_and = GATES["and"]
    return {
        # (2, 2): column j holds hidden unit j's weights
        "W1": np.column_stack([w_nand, w_or]),
        "b1": np.array([b_nand, b_or]),  # (2,)
        "W2": w_and.reshape(2, 1),  # (2, 1): one output unit
        "b2": np.array([b_and]),  # (1,)
    }


#: Weights of a two-layer step network computing XOR: XOR(x) = AND(NAND(x), OR(x)).
XOR_WEIGHTS = _xor_weights()


def dense_forward(X, W, b):
    """Dense (fully connected) layer for a batch, before the activation.

    X: (N, n_in), W: (n_in, n_out), b: (n_out,) -> Z = X @ W + b: (N, n_out).
    """
    return X @ W + b


def xor_network(X, W1, b1, W2, b2, activation=step):
    """Two-layer network: activation(dense(activation(dense(X, W1, b1)), W2, b2)).

    X: (N, n_in), W1: (n_in, n_hidden), b1: (n_hidden,), W2: (n_hidden, n_out),
    b2: (n_out,) -> (N, n_out). With ``XOR_WEIGHTS`` and the step it computes XOR.
    """
    hidden = activation(dense_forward(X, W1, b1))
    return activation(dense_forward(hidden, W2, b2))


def collapse_linear(layers):
    """One dense layer equal to a stack of dense layers with no activation.

    layers: [(W1, b1), (W2, b2), ...] with W_l: (n_{l-1}, n_l), b_l: (n_l,).
    Returns (W, b) with W = W1 W2 ... W_L: (n_0, n_L) and
    b = (...((b1 W2 + b2) W3 + b3)...) W_L + b_L: (n_L,).
    """
    W, b = layers[0]
    W, b = np.array(W, dtype=float), np.array(b, dtype=float)
    for W_next, b_next in layers[1:]:
        W, b = W @ W_next, b @ W_next + b_next
    return W, b
