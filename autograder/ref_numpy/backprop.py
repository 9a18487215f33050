"""Backpropagation through a sigmoid MLP, and numeric gradients (chapter 05_backprop).

Cost of the lectures (the "M2. 딥러닝 기본" note): the quadratic cost averaged over the batch,
C = 1/(2N) * sum_n ||a^L_n - y_n||^2, so grad_a C = (A^L - Y) / N.

The four equations in the batch-row convention of ``ref_numpy.mlp``
(one example per row, z^l = a^{l-1} W^l + b^l, W^l of shape (n_{l-1}, n_l)):

1. Delta^L = grad_a C * sigma'(Z^L)                  (N, n_L)
2. Delta^l = (Delta^{l+1} @ W^{l+1}.T) * sigma'(Z^l)  (N, n_l)
3. db^l    = Delta^l summed over the batch (rows)     (n_l,)
4. dW^l    = A^{l-1}.T @ Delta^l                      (n_{l-1}, n_l)

The 1/N of the cost is inside Delta, so 3 and 4 are averages over the batch.
"""

import numpy as np

#: The worked example of the "Deep Learning intro" note: w1..w10, the inputs that reproduce its printed
#: activations (the note never states them), its target and learning rate.
INTRO_NOTE_WEIGHTS = (0.3, 0.2, 0.1, 0.5, 0.6, 0.2, 0.4, 0.3, 0.2, 0.5)
INTRO_NOTE_X = np.array([[20.0, 1.0]])
INTRO_NOTE_Y = np.array([[0.9]])
INTRO_NOTE_LR = 0.3


def intro_note_params():
    """The intro note's 2-2-2-1 network as MLP params [(W1, b1), (W2, b2), (W3, b3)], no biases.

    Row i of W^l holds the weights leaving input i: st11 = sigma(x1 w1 + x2 w3),
    st12 = sigma(x1 w2 + x2 w4), and likewise for the next layers.
    """
    w1, w2, w3, w4, w5, w6, w7, w8, w9, w10 = INTRO_NOTE_WEIGHTS
    return [
        (np.array([[w1, w2], [w3, w4]]), np.zeros(2)),
        (np.array([[w5, w6], [w7, w8]]), np.zeros(2)),
        (np.array([[w9], [w10]]), np.zeros(1)),
    ]


def quadratic_cost(A, Y):
    """C = 1/(2N) sum_n ||A_n - Y_n||^2. A, Y: (N, n_L) -> float."""
    diff = A - Y
    return float(np.sum(diff * diff) / (2 * A.shape[0]))


def quadratic_cost_grad(A, Y):
    """dC/dA = (A - Y) / N. A, Y: (N, n_L) -> (N, n_L)."""
    return (A - Y) / A.shape[0]


def mlp_backward(params, cache, Y):
    """Gradients of the quadratic cost of a sigmoid MLP by the four equations.

    params: [(W1, b1), ...] with W^l: (n_{l-1}, n_l), b^l: (n_l,);
    cache: (zs, activations) from ``ref_numpy.mlp.mlp_forward_cache`` with the
    sigmoid (sigma'(z^l) = a^l (1 - a^l) is read from the activations);
    Y: (N, n_L) targets -> [(dW1, db1), ...] with the shapes of params.
    """
    _, acts = cache
    A = acts[-1]
    delta = quadratic_cost_grad(A, Y) * A * (1.0 - A)              # equation 1
    grads = []
    for l in range(len(params) - 1, -1, -1):
        grads.append((acts[l].T @ delta, delta.sum(axis=0)))       # equations 4 and 3
        if l > 0:
            a = acts[l]
            delta = (delta @ params[l][0].T) * a * (1.0 - a)       # equation 2
    return grads[::-1]


def numerical_gradient(f, x, h=1e-5):
    """Central differences (f(x + h e_i) - f(x - h e_i)) / (2h) for every entry i of x.

    f: array of x's shape -> float; x: any shape (not modified) -> array of x's shape.
    The error is O(h^2), against O(h) for the forward difference (f(x + h e_i) - f(x)) / h.
    """
    x = np.array(x, dtype=float)  # a private copy: the caller's x never changes
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        f_plus = f(x)
        flat[i] = old - h
        f_minus = f(x)
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a, b, eps=1e-12):
    """max |a - b| / max(|a| + |b|, eps), entrywise; the usual gradient-check number."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), eps), initial=0.0))


def softmax_cross_entropy(logits, Y):
    """Mean cross-entropy of softmax(logits) against one-hot Y, and its gradient.

    logits: (N, C), Y: (N, C) one-hot rows -> (loss (float), dlogits (N, C)).
    dL/dlogits = (softmax(logits) - Y) / N (chapter 04): no sigma' factor at the output.
    """
    z = np.asarray(logits, dtype=float)
    shifted = z - z.max(axis=1, keepdims=True)  # stable for logits of any size
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = z.shape[0]
    return float(-np.sum(Y * log_p) / n), (np.exp(log_p) - Y) / n


def mlp_backward_ce(params, cache, Y):
    """Gradients of the softmax cross-entropy of an MLP with sigmoid hidden layers.

    Same arguments as ``mlp_backward``; the output layer's weighted input z^L = cache[0][-1]
    is read as logits (its sigmoid in the cache is ignored), so BP1 becomes
    Delta^L = (softmax(Z^L) - Y) / N and BP2-BP4 are unchanged.
    """
    zs, acts = cache
    delta = softmax_cross_entropy(zs[-1], Y)[1]
    grads = []
    for l in range(len(params) - 1, -1, -1):
        grads.append((acts[l].T @ delta, delta.sum(axis=0)))
        if l > 0:
            a = acts[l]
            delta = (delta @ params[l][0].T) * a * (1.0 - a)
    return grads[::-1]


def mlp_backward_by_layers(params, cache, Y):
    """``mlp_backward`` computed as a chain of layer backward passes (sigmoid, then affine).

    Same arguments and result; it shows that the four equations are what the modular
    ``<layer>_backward`` functions compute when chained from the output back.
    """
    from autograder.ref_numpy.activations import sigmoid_backward
    from autograder.ref_numpy.layers import affine_backward

    acts = cache[1]
    dout, grads = quadratic_cost_grad(acts[-1], Y), []
    for l in range(len(params), 0, -1):
        dz = sigmoid_backward(dout, acts[l])
        dout, dW, db = affine_backward(dz, (acts[l - 1], params[l - 1][0]))
        grads.append((dW, db))
    return grads[::-1]
