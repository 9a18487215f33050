"""Weight initialization: LeCun, Xavier/Glorot and He (chapter 06_activations).

A layer z = x W + b with W of shape (n_in, n_out), independent zero-mean weights of
variance Var(w) and inputs independent of the weights gives, for every output unit,

    Var(z) = n_in Var(w) E[x^2]                       (zero biases)

so the scale of the signal is kept from layer to layer when n_in Var(w) E[x^2] = E[z_prev^2].

* LeCun:  Var(w) = 1 / n_in             keeps Var(z) = E[x^2] (linear or tanh near 0, SELU)
* Xavier: Var(w) = 2 / (n_in + n_out)   the compromise between the forward (n_in) and
                                        the backward (n_out) pass (Glorot & Bengio, 2010)
* He:     Var(w) = 2 / n_in             ReLU zeroes half of a symmetric z, so
                                        E[relu(z)^2] = Var(z) / 2: the 2 restores it (He et al., 2015)
"""

import numpy as np

#: method -> Var(w) as a function of (n_in, n_out).
VARIANCE = {
    "lecun": lambda n_in, n_out: 1.0 / n_in,
    "xavier": lambda n_in, n_out: 2.0 / (n_in + n_out),
    "he": lambda n_in, n_out: 2.0 / n_in,
}


def weight_std(method, n_in, n_out):
    """Standard deviation of the initial weights of an (n_in, n_out) layer."""
    return float(np.sqrt(VARIANCE[method](n_in, n_out)))


def init_params(sizes, seed=0, method="lecun"):
    """[(W1, b1), ...] for layer sizes [n_0, ..., n_L].

    W^l ~ N(0, weight_std(method, ...)^2), b^l = 0.

    One generator ``np.random.default_rng(seed)`` draws the layers in order, so
    ``method="lecun"`` gives exactly ``mlp.init_params(sizes, seed)``.
    """
    rng = np.random.default_rng(seed)
    return [
        (
            rng.normal(
                0.0, weight_std(method, n_in, n_out), size=(n_in, n_out)
            ),
            np.zeros(n_out),
        )
        for n_in, n_out in zip(sizes[:-1], sizes[1:])
    ]
