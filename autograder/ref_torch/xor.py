"""PyTorch twin of ``autograder.ref_numpy.xor`` (chapter 02_xor_mlp)."""

from autograder.ref_numpy.xor import XOR_TARGETS, XOR_WEIGHTS  # noqa: F401 - same data in both
from autograder.ref_torch._util import pick, tensor
from autograder.ref_torch.perceptron import step


def dense_forward(X, W, b, device=None):
    """X: (N, n_in), W: (n_in, n_out), b: (n_out,) -> X @ W + b: (N, n_out) on ``device``."""
    dev = pick(device)
    return tensor(X, dev) @ tensor(W, dev) + tensor(b, dev)


def xor_network(X, W1, b1, W2, b2, activation=step, device=None):
    """Two-layer network activation(dense(activation(dense(X, W1, b1)), W2, b2)): (N, n_out)."""
    dev = pick(device)
    hidden = activation(dense_forward(X, W1, b1, dev))
    return activation(dense_forward(hidden, W2, b2, dev))


def collapse_linear(layers, device=None):
    """(W, b) of the single dense layer equal to ``layers`` without activations."""
    dev = pick(device)
    W, b = tensor(layers[0][0], dev), tensor(layers[0][1], dev)
    for W_next, b_next in layers[1:]:
        W_next = tensor(W_next, dev)
        W, b = W @ W_next, b @ W_next + tensor(b_next, dev)
    return W, b
