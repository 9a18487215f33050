"""Mini-batch gradient descent for the sigmoid MLP on MNIST (chapter 05_backprop).

One iteration = forward pass, backward pass and SGD step on one mini-batch;
one epoch = one pass over the training set in mini-batches of a shuffled order.

Two costs (``cost=``): ``"quadratic"``, the lectures' 1/(2N) sum ||sigmoid(z^L) - y||^2,
and ``"cross_entropy"``, the mean softmax cross-entropy of the logits z^L (chapter 04).
The hidden layers are sigmoid in both.
"""

import numpy as np
from tqdm.auto import tqdm

from autograder.ref_numpy.backprop import mlp_backward, mlp_backward_ce, quadratic_cost, softmax_cross_entropy
from autograder.ref_numpy.data import one_hot
from autograder.ref_numpy.mlp import init_params, mlp_forward_cache
from autograder.ref_numpy.optim import sgd_step


def minibatches(n, batch_size, seed, epoch):
    """Index arrays of one epoch's mini-batches.

    A permutation of range(n) fixed by (seed, epoch), cut into batches.

    The last batch is smaller when batch_size does not divide n.
    """
    order = np.random.default_rng([seed, epoch]).permutation(n)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


def accuracy(scores, labels):
    """Fraction of rows whose largest score is at the label. scores: (N, K), labels: (N,)."""
    return float(np.mean(np.argmax(scores, axis=1) == labels))


def _cost(cache, Y, cost):
    """The cost of the network whose forward cache is ``cache``: quadratic or cross-entropy."""
    zs, acts = cache
    if cost == "quadratic":
        return quadratic_cost(acts[-1], Y)
    if cost == "cross_entropy":
        return softmax_cross_entropy(zs[-1], Y)[0]
    raise ValueError(f"cost must be 'quadratic' or 'cross_entropy', got {cost!r}")


def train_step(params, X, Y, lr, cost="quadratic"):
    """One iteration on the batch X: (B, n_0), Y: (B, n_L) -> (new params, cost before the step)."""
    _, cache = mlp_forward_cache(X, params)
    backward = mlp_backward if cost == "quadratic" else mlp_backward_ce
    grads = backward(params, cache, Y)
    new = [(sgd_step(W, dW, None, lr)[0], sgd_step(b, db, None, lr)[0])
           for (W, b), (dW, db) in zip(params, grads)]
    return new, _cost(cache, Y, cost)


def evaluate(params, X, labels, cost="quadratic"):
    """(cost, accuracy) of the network on X: (N, n_0), labels: (N,).

    The largest output unit is the prediction; z^L and sigmoid(z^L) have the same argmax.
    """
    A, cache = mlp_forward_cache(X, params)
    return _cost(cache, one_hot(labels, A.shape[1]), cost), accuracy(A, labels)


def train_full_batch(X, Y, sizes, lr, epochs, seed):
    """Full-batch gradient descent on the softmax cross-entropy (the contract of exercise 05).

    X: (N, sizes[0]), Y: (N, sizes[-1]) one-hot; sigmoid hidden layers, linear output
    (logits). Initial weights ``init_params(sizes, seed)``; each of the ``epochs`` steps
    runs the forward pass on all of X, the backward pass and W <- W - lr dW, b <- b - lr db.
    Returns (params after the last step, losses: (epochs,) the loss before each step).
    """
    params, losses = init_params(sizes, seed), []
    for _ in range(epochs):
        params, loss = train_step(params, X, Y, lr, cost="cross_entropy")
        losses.append(loss)
    return params, np.array(losses)


def train_mlp(X, labels, sizes, epochs, batch_size, lr, seed=0, val=None, progress=True, cost="quadratic"):
    """Train a sigmoid MLP with the quadratic cost (or ``cost="cross_entropy"``) by mini-batch SGD.

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
            params, batch_cost = train_step(params, X[idx], Y[idx], lr, cost)
            history["batch_cost"].append(batch_cost)
        _record(history, "train", evaluate(params, X, labels, cost))
        if val is not None:
            _record(history, "val", evaluate(params, *val, cost))
        bar.set_postfix(cost=f"{history['train_cost'][-1]:.4f}", acc=f"{history['train_acc'][-1]:.3f}")
    return params, history


def _record(history, split, cost_acc):
    history[f"{split}_cost"].append(cost_acc[0])
    history[f"{split}_acc"].append(cost_acc[1])
