"""PyTorch twin of ``autograder.ref_numpy.train`` (chapter 05_backprop).

The same network written the way PyTorch is used: ``nn.Sequential`` of ``nn.Linear``
and ``nn.Sigmoid``, autograd for the backward pass, ``torch.optim.SGD`` for the step.
Initial weights and mini-batches are the NumPy reference's, so both runs see the same
numbers in the same order.
"""

import torch
from tqdm.auto import tqdm

from autograder import float_dtype
from autograder.ref_numpy import train as np_train
from autograder.ref_numpy.mlp import init_params
from autograder.ref_torch._util import pick, tensor


def minibatches(n, batch_size, seed, epoch, device=None):
    """The NumPy reference's index arrays of one epoch, as int64 tensors on ``device``."""
    dev = pick(device)
    return [torch.as_tensor(idx, device=dev) for idx in np_train.minibatches(n, batch_size, seed, epoch)]


def accuracy(scores, labels, device=None):
    """Fraction of rows whose largest score is at the label."""
    dev = pick(device)
    labels = torch.as_tensor(labels, device=dev)
    hits = (tensor(scores, dev).argmax(dim=1) == labels).sum().item()  # float32 on MPS: no float64 there
    return hits / len(labels) if len(labels) else float("nan")  # an exact count: no float64 on MPS


def build_model(sizes, seed=0, device=None, dtype=torch.float64, cost="quadratic"):
    """Sigmoid MLP as nn.Sequential, initialised with ``ref_numpy.mlp.init_params(sizes, seed)``.

    nn.Linear stores its weight as (n_out, n_in), the transpose of our W^l. With
    ``cost="cross_entropy"`` the last layer has no sigmoid: the model returns logits.
    """
    dev, layers = pick(device), []
    dtype = float_dtype(dev, dtype)  # float32 where the device has no float64 (MPS)
    for W, b in init_params(sizes, seed):
        linear = torch.nn.Linear(*W.shape, device=dev, dtype=dtype)
        with torch.no_grad():  # overwrite PyTorch's own random init with ours
            linear.weight.copy_(torch.as_tensor(W.T))
            linear.bias.copy_(torch.as_tensor(b))
        layers += [linear, torch.nn.Sigmoid()]
    if cost == "cross_entropy":
        layers.pop()  # logits out; F.cross_entropy applies log_softmax itself
    return torch.nn.Sequential(*layers)


def params_of(model):
    """The model's [(W1, b1), ...] in the NumPy convention: W^l of shape (n_{l-1}, n_l)."""
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    return [(m.weight.detach().T, m.bias.detach()) for m in linears]


def quadratic_cost(A, Y):
    """C = 1/(2N) sum_n ||A_n - Y_n||^2 of two tensors (kept in the graph)."""
    return ((A - Y) ** 2).sum() / (2 * A.shape[0])


def _cost(out, Y, cost):
    """Quadratic cost of sigmoid outputs, or the mean cross-entropy of logits against one-hot Y."""
    return quadratic_cost(out, Y) if cost == "quadratic" else torch.nn.functional.cross_entropy(out, Y)


def train_step(model, optimizer, X, Y, cost="quadratic"):
    """One iteration: forward, autograd backward, optimizer step -> cost before the step."""
    optimizer.zero_grad()
    loss = _cost(model(X), Y, cost)
    loss.backward()
    optimizer.step()
    return loss.item()


def evaluate(model, X, labels, cost="quadratic"):
    """(cost, accuracy) of the model on X: (N, n_0) tensor, labels: (N,) tensor."""
    with torch.no_grad():
        A = model(X)
        Y = torch.nn.functional.one_hot(labels, A.shape[1]).to(A.dtype)
        return _cost(A, Y, cost).item(), (A.argmax(dim=1) == labels).sum().item() / len(labels)


def train_full_batch(X, Y, sizes, lr, epochs, seed, device=None):
    """Twin of ``ref_numpy.train.train_full_batch``: nn.Sequential, autograd and torch.optim.SGD.

    Returns (params as [(W, b), ...] tensors in the NumPy convention, losses: (epochs,) tensor).
    """
    dev = pick(device)
    model = build_model(sizes, seed, dev, cost="cross_entropy")
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    X, Y = tensor(X, dev), tensor(Y, dev)
    losses = [train_step(model, optimizer, X, Y, "cross_entropy") for _ in range(epochs)]
    return params_of(model), torch.tensor(losses, dtype=torch.float64)


def train_mlp(X, labels, sizes, epochs, batch_size, lr, seed=0, val=None, progress=True,
              device=None, dtype=torch.float64, cost="quadratic"):
    """Same arguments and history as ``ref_numpy.train.train_mlp``; returns (model, history)."""
    dev = pick(device)
    dtype = float_dtype(dev, dtype)  # float32 where the device has no float64 (MPS)
    model = build_model(sizes, seed, dev, dtype, cost)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    X, labels = tensor(X, dev, dtype), torch.as_tensor(labels, device=dev)
    Y = torch.nn.functional.one_hot(labels, sizes[-1]).to(dtype)
    val = None if val is None else (tensor(val[0], dev, dtype), torch.as_tensor(val[1], device=dev))
    history = {k: [] for k in ("batch_cost", "train_cost", "train_acc", "val_cost", "val_acc")}
    bar = tqdm(range(epochs), desc="PyTorch MLP", disable=not progress)
    for epoch in bar:
        for idx in minibatches(len(X), batch_size, seed, epoch, dev):
            history["batch_cost"].append(train_step(model, optimizer, X[idx], Y[idx], cost))
        for split, data in (("train", (X, labels)), ("val", val)):
            if data is not None:
                split_cost, acc = evaluate(model, *data, cost)
                history[f"{split}_cost"].append(split_cost)
                history[f"{split}_acc"].append(acc)
        bar.set_postfix(cost=f"{history['train_cost'][-1]:.4f}", acc=f"{history['train_acc'][-1]:.3f}")
    return model, history
