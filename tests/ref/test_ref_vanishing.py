"""ref_numpy.vanishing against ref_torch.vanishing, numeric gradients and the vanishing gradient itself."""

import numpy as np
import pytest

from autograder.checks.compare import F64
from autograder.ref_numpy import vanishing as ref
from autograder.ref_numpy.activations import ACTIVATIONS
from autograder.ref_numpy.losses import mse
from autograder.ref_numpy.mlp import init_params
from autograder.ref_torch import vanishing as ref_torch
from autograder.ref_torch._util import numpy

#: Norms span orders of magnitude: compare relatively (float64 on both sides).
REL = dict(rtol=1e-9, atol=0.0)
#: Central differences with h = 1e-6 on a cost of order 1.
NUMERIC = dict(rtol=1e-5, atol=1e-9)


def problem(seed, sizes, n=10, bias=0.1):
    rng = np.random.default_rng(seed)
    X, Y = rng.normal(size=(n, sizes[0])), rng.normal(size=(n, sizes[-1]))
    params = [(W, rng.normal(scale=bias, size=b.shape)) for W, b in init_params(sizes, seed=seed)]
    return X, Y, params


def cost(X, Y, params, activation):
    """C = mse(a^L, Y) with a linear output layer, written independently of the module."""
    forward = ACTIVATIONS[activation][0]
    a = X
    for l, (W, b) in enumerate(params):
        a = a @ W + b
        a = forward(a)[0] if l < len(params) - 1 else a
    return mse(a, Y)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("seed", range(3))
def test_numpy_matches_torch(activation, seed, dev):
    X, Y, params = problem(seed, [5, 8, 8, 8, 3])
    np.testing.assert_allclose(ref.grad_norms_per_layer(X, Y, params, activation),
                               numpy(ref_torch.grad_norms_per_layer(X, Y, params, activation, device=dev)),
                               **(REL if dev.type == "cpu" else dict(rtol=1e-5, atol=0.0)))
    for (dW, db), (tW, tb) in zip(ref.mlp_grads(X, Y, params, activation),
                                  ref_torch.mlp_grads(X, Y, params, activation, device=dev)):
        np.testing.assert_allclose(dW, numpy(tW), rtol=1e-5, atol=1e-12)
        np.testing.assert_allclose(db, numpy(tb), rtol=1e-5, atol=1e-12)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "elu"])  # smooth: no kink to straddle
def test_grads_match_numeric_gradient(activation):
    X, Y, params = problem(4, [3, 4, 4, 2])
    grads = ref.mlp_grads(X, Y, params, activation)
    h = 1e-6
    for l, (W, b) in enumerate(params):
        for p, g in ((W, grads[l][0]), (b, grads[l][1])):
            num = np.zeros_like(p)
            for i in np.ndindex(p.shape):
                old = p[i]
                p[i] = old + h
                up = cost(X, Y, params, activation)
                p[i] = old - h
                down = cost(X, Y, params, activation)
                p[i] = old
                num[i] = (up - down) / (2 * h)
            np.testing.assert_allclose(g, num, **NUMERIC)


def test_shapes_and_single_layer():
    X, Y, params = problem(0, [4, 3])
    norms = {a: ref.grad_norms_per_layer(X, Y, params, a) for a in ACTIVATIONS}
    assert all(v.shape == (1,) for v in norms.values())
    # with no hidden layer the activation plays no part
    for v in norms.values():
        np.testing.assert_allclose(v, norms["sigmoid"], **F64)
    grads = ref.mlp_grads(*problem(1, [4, 6, 5, 2]), "relu")
    assert [(dW.shape, db.shape) for dW, db in grads] == [((4, 6), (6,)), ((6, 5), (5,)), ((5, 2), (2,))]


def test_inputs_unchanged():
    X, Y, params = problem(2, [3, 5, 2])
    copies = [X.copy(), Y.copy()] + [p.copy() for pair in params for p in pair]
    ref.grad_norms_per_layer(X, Y, params, "relu")
    for a, b in zip([X, Y] + [p for pair in params for p in pair], copies):
        np.testing.assert_array_equal(a, b)


def deep(activation, depth=10, width=32, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(128, 8))
    Y = np.sin(X @ rng.normal(size=(8, 1)))
    return ref.grad_norms_per_layer(X, Y, init_params([8] + [width] * (depth - 1) + [1], seed=seed), activation)


def test_sigmoid_gradients_vanish_toward_the_input():
    norms = deep("sigmoid")
    assert np.all(np.diff(norms) > 0)  # every layer nearer the input gets less
    assert norms[0] / norms[-1] < 1e-4
    # each hidden layer multiplies by sigmoid' <= 1/4 (and by a weight matrix of norm near 1)
    assert np.all(norms[:-2] / norms[1:-1] < 0.3)


def test_relu_gradients_do_not_vanish():
    norms = deep("relu")
    assert 0.1 < norms[0] / norms[-1] < 10
    assert deep("relu")[0] / deep("relu")[-1] > 1e3 * deep("sigmoid")[0] / deep("sigmoid")[-1]


def test_dead_relu_unit_gets_zero_gradient():
    X, Y, params = problem(5, [3, 4, 2])
    W1, b1 = params[0]
    b1 = b1.copy()
    b1[2] = -100.0  # unit 2 is negative for every input
    grads = ref.mlp_grads(X, Y, [(W1, b1), params[1]], "relu")
    assert np.all(grads[0][0][:, 2] == 0) and grads[0][1][2] == 0
    assert np.all(grads[1][0][2, :] == 0)  # its outgoing weights see an input of 0
    leaky = ref.mlp_grads(X, Y, [(W1, b1), params[1]], "leaky_relu")
    assert np.all(leaky[0][0][:, 2] != 0)
