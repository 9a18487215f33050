"""The vanishing gradient made visible: gradient norms per layer (chapter 06_activations).

The network. An MLP with L layers and parameters ``params = [(W1, b1), ..., (WL, bL)]``,
W^l of shape (n_{l-1}, n_l), b^l of shape (n_l,) (as made by ``mlp.init_params``):

    a^0 = X,   z^l = a^{l-1} W^l + b^l,   a^l = f(z^l) for l < L,   a^L = z^L (linear output)

with the same activation f on every hidden layer. The cost is the mean squared error
over all N * n_L entries, as ``losses.mse``:

    C = mean((a^L - Y)^2),   so  dC/dz^L = 2 (a^L - Y) / (N n_L).

Backpropagation: dC/dW^l = (a^{l-1})^T delta^l and dC/db^l = sum over rows of delta^l,
where delta^L = dC/dz^L and delta^l = (delta^{l+1} (W^{l+1})^T) * f'(z^l). The code
chains chapter 05's affine layer with this chapter's activation layers.
"""

import numpy as np

from autograder.ref_numpy.activations import ACTIVATIONS
from autograder.ref_numpy.layers import affine_backward, affine_forward


def mlp_grads(X, Y, params, activation="sigmoid"):
    """Gradients of C = mean((a^L - Y)^2) for the MLP described in the module docstring.

    X: (N, n_0), Y: (N, n_L), params: [(W1, b1), ...]; activation: a name of
    ``activations.ACTIVATIONS`` or a pair (forward, backward) with the layer contract.
    Returns [(dW1, db1), ..., (dWL, dbL)] with the shapes of the parameters.
    """
    forward, backward = ACTIVATIONS[activation] if isinstance(activation, str) else activation
    a, caches = np.asarray(X, dtype=float), []
    for l, (W, b) in enumerate(params):
        a, affine_cache = affine_forward(a, W, b)
        act_cache = None
        if l < len(params) - 1:  # hidden layers only: the output stays linear
            a, act_cache = forward(a)
        caches.append((affine_cache, act_cache))
    dout = 2.0 * (a - Y) / a.size  # dC/da^L
    grads = []
    for affine_cache, act_cache in reversed(caches):
        if act_cache is not None:
            dout = backward(dout, act_cache)  # times f'(z^l): the factor that vanishes
        dout, dW, db = affine_backward(dout, affine_cache)
        grads.append((dW, db))
    return grads[::-1]


def grad_norms_per_layer(X, Y, params, activation="sigmoid"):
    """Frobenius norm of dC/dW^l for l = 1..L (first layer first): (L,) array.

    X: (N, n_0), Y: (N, n_L), params: [(W1, b1), ...]; activation: 'sigmoid',
    'tanh', 'relu', 'leaky_relu' or 'elu' on the hidden layers (see the module
    docstring for the network and the cost).
    """
    return np.array([np.linalg.norm(dW) for dW, _ in mlp_grads(X, Y, params, activation)])


def activation_rms_per_layer(X, params, activation="sigmoid"):
    """Root mean square of every layer's output, a^1 .. a^{L-1} and the linear a^L = z^L: (L,) array.

    X: (N, n_0), params: [(W1, b1), ...]; activation as in ``mlp_grads``. The RMS
    sqrt(mean(a^2)) is the scale of the signal that reaches the next layer.
    """
    forward = ACTIVATIONS[activation][0] if isinstance(activation, str) else activation[0]
    a, rms = np.asarray(X, dtype=float), []
    for l, (W, b) in enumerate(params):
        a = affine_forward(a, W, b)[0]
        if l < len(params) - 1:
            a = forward(a)[0]
        rms.append(np.sqrt(np.mean(a * a)))
    return np.array(rms)
