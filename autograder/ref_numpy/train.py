"""Mini-batch gradient descent for the sigmoid MLP on MNIST (chapter 05_backprop).

One iteration = forward pass, backward pass and SGD step on one mini-batch;
one epoch = one pass over the training set in mini-batches of a shuffled order.
"""

import numpy as np
from tqdm.auto import tqdm

from autograder.ref_numpy.backprop import mlp_backward, quadratic_cost
from autograder.ref_numpy.data import one_hot
from autograder.ref_numpy.mlp import init_params, mlp_forward, mlp_forward_cache
from autograder.ref_numpy.optim import sgd_step


def minibatches(n, batch_size, seed, epoch):
    """Index arrays of one epoch's mini-batches: a permutation of range(n) fixed by (seed, epoch).

    The last batch is smaller when batch_size does not divide n.
    """
    order = np.random.default_rng([seed, epoch]).permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


def accuracy(scores, labels):
    """Fraction of rows whose largest score is at the label. scores: (N, K), labels: (N,)."""
    return float(np.mean(np.argmax(scores, axis=1) == labels))


def train_step(params, X, Y, lr):
    """One iteration on the batch X: (B, n_0), Y: (B, n_L) -> (new params, cost before the step)."""
    A, cache = mlp_forward_cache(X, params)
    grads = mlp_backward(params, cache, Y)
    new = [(sgd_step(W, dW, None, lr)[0], sgd_step(b, db, None, lr)[0])
           for (W, b), (dW, db) in zip(params, grads)]
    return new, quadratic_cost(A, Y)


def evaluate(params, X, labels):
    """(quadratic cost, accuracy) of the network on X: (N, n_0), labels: (N,)."""
    A = mlp_forward(X, params)
    return quadratic_cost(A, one_hot(labels, A.shape[1])), accuracy(A, labels)


def train_mlp(X, labels, sizes, epochs, batch_size, lr, seed=0, val=None, progress=True):
    """Train a sigmoid MLP with the quadratic cost by mini-batch SGD.

    X: (N, sizes[0]) inputs, labels: (N,) integers, sizes: [n_0, ..., n_L];
    init ``init_params(sizes, seed)``, batches ``minibatches(N, batch_size, seed, epoch)``;
    val: optional (X_val, labels_val). Returns (params, history) where history holds
    per-iteration ``batch_cost`` and per-epoch ``train_cost``, ``train_acc``,
    ``val_cost``, ``val_acc`` (the last two only with ``val``).
    """
    params = init_params(sizes, seed)
    Y = one_hot(labels, sizes[-1])
    history = {k: [] for k in ("batch_cost", "train_cost", "train_acc", "val_cost", "val_acc")}
    bar = tqdm(range(epochs), desc="NumPy MLP", disable=not progress)
    for epoch in bar:
        for idx in minibatches(len(X), batch_size, seed, epoch):
            params, cost = train_step(params, X[idx], Y[idx], lr)
            history["batch_cost"].append(cost)
        _record(history, "train", evaluate(params, X, labels))
        if val is not None:
            _record(history, "val", evaluate(params, *val))
        bar.set_postfix(cost=f"{history['train_cost'][-1]:.4f}", acc=f"{history['train_acc'][-1]:.3f}")
    return params, history


def _record(history, split, cost_acc):
    history[f"{split}_cost"].append(cost_acc[0])
    history[f"{split}_acc"].append(cost_acc[1])
