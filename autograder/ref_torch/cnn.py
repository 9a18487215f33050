"""PyTorch twin of ``autograder.ref_numpy.cnn`` (chapter 10_cnn).

The same network written the way PyTorch is used: ``nn.Sequential`` of ``nn.Conv2d``,
``nn.ReLU``, ``nn.MaxPool2d``, ``nn.Flatten`` and ``nn.Linear``; ``F.cross_entropy``,
autograd and ``torch.optim.SGD``. Initial weights and mini-batches are the NumPy
reference's, so both runs see the same numbers in the same order.
"""

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from autograder import float_dtype
from autograder.ref_numpy import cnn as np_cnn
from autograder.ref_torch._util import pick, tensor
from autograder.ref_torch.train import accuracy, minibatches


def init_cnn(seed=0, device=None, dtype=torch.float64, **arch):
    """The NumPy reference's initial parameters (a dict) as tensors on ``device``."""
    dev = pick(device)
    return {k: tensor(v, dev, float_dtype(dev, dtype)) for k, v in np_cnn.init_cnn(seed, **arch).items()}


def build_model(seed=0, device=None, dtype=torch.float64, params=None):
    """The CNN as nn.Sequential, with ``params`` (default ``ref_numpy.cnn.init_cnn(seed)``).

    nn.Conv2d stores its weight as (F, C, kh, kw), like ours; nn.Linear stores (out, in),
    the transpose of our W3.
    """
    dev = pick(device)
    dtype = float_dtype(dev, dtype)  # float32 where the device has no float64 (MPS)
    p = np_cnn.init_cnn(seed) if params is None else params
    (c1, _, k, _), c2 = p["w1"].shape, p["w2"].shape[0]
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, c1, k, padding=k // 2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(c1, c2, k, padding=k // 2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(*p["W3"].shape)).to(device=dev, dtype=dtype)
    with torch.no_grad():  # overwrite PyTorch's own random init with ours
        for layer, w, b in ((model[0], "w1", "b1"), (model[3], "w2", "b2")):
            layer.weight.copy_(torch.as_tensor(p[w]))
            layer.bias.copy_(torch.as_tensor(p[b]))
        model[7].weight.copy_(torch.as_tensor(p["W3"]).T)
        model[7].bias.copy_(torch.as_tensor(p["b3"]))
    return model


def params_of(model):
    """The model's parameters in the NumPy reference's dict (W3 as (in, out))."""
    return {"w1": model[0].weight.detach(), "b1": model[0].bias.detach(),
            "w2": model[3].weight.detach(), "b2": model[3].bias.detach(),
            "W3": model[7].weight.detach().T, "b3": model[7].bias.detach()}


def cnn_forward(x, params, device=None):
    """Functional forward pass: x (N, 1, 28, 28) -> (logits (N, 10), cache = (x, params))."""
    dev = pick(device)
    x = tensor(x, dev)
    p = {k: tensor(v, dev) for k, v in params.items()}
    pad = p["w1"].shape[-1] // 2
    a = F.max_pool2d(F.relu(F.conv2d(x, p["w1"], p["b1"], padding=pad)), 2)
    a = F.max_pool2d(F.relu(F.conv2d(a, p["w2"], p["b2"], padding=pad)), 2)
    return a.flatten(1) @ p["W3"] + p["b3"], (x, p)


def cnn_backward(dlogits, cache, device=None):
    """Autograd gradients of sum(dlogits * logits) with respect to every parameter (a dict)."""
    dev = pick(device)
    x, p = cache
    p = {k: v.detach().requires_grad_(True) for k, v in p.items()}
    logits = cnn_forward(x, p, dev)[0]
    grads = torch.autograd.grad(logits, list(p.values()), grad_outputs=tensor(dlogits, dev, logits.dtype))
    return dict(zip(p, grads))


def softmax_cross_entropy(logits, labels, device=None):
    """(mean cross-entropy, its gradient with respect to the logits), by autograd."""
    dev = pick(device)
    z = tensor(logits, dev).detach().requires_grad_(True)
    cost = F.cross_entropy(z, torch.as_tensor(labels, device=dev))
    return cost.detach(), torch.autograd.grad(cost, z)[0]


def train_step(model, optimizer, x, labels):
    """One iteration: forward, F.cross_entropy, autograd backward, SGD step -> cost before the step."""
    optimizer.zero_grad()
    cost = F.cross_entropy(model(x), labels)
    cost.backward()
    optimizer.step()
    return cost.item()


def evaluate(model, x, labels, batch_size=500):
    """(mean cross-entropy, accuracy) of the model on x: (N, 1, 28, 28), labels: (N,) tensors."""
    with torch.no_grad():
        logits = torch.cat([model(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])
        return F.cross_entropy(logits, labels).item(), accuracy(logits, labels, x.device)


def train_cnn(x, labels, epochs, batch_size, lr, seed=0, val=None, progress=True,
              device=None, dtype=torch.float64):
    """Same arguments and history as ``ref_numpy.cnn.train_cnn``; returns (model, history)."""
    dev = pick(device)
    dtype = float_dtype(dev, dtype)
    model = build_model(seed, dev, dtype)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    x, labels = tensor(x, dev, dtype), torch.as_tensor(labels, device=dev)
    val = None if val is None else (tensor(val[0], dev, dtype), torch.as_tensor(val[1], device=dev))
    history = {k: [] for k in ("batch_cost", "train_cost", "val_cost", "val_acc")}
    batches = [b for e in range(epochs) for b in minibatches(len(x), batch_size, seed, e, dev)]
    per_epoch = len(batches) // epochs
    bar = tqdm(total=len(batches), desc="PyTorch CNN", disable=not progress)
    for it, idx in enumerate(batches, 1):
        history["batch_cost"].append(train_step(model, optimizer, x[idx], labels[idx]))
        bar.update()
        if it % per_epoch == 0:
            if val is not None:
                c, a = evaluate(model, *val)
                history["val_cost"].append(c)
                history["val_acc"].append(a)
            history["train_cost"].append(float(np.mean(history["batch_cost"][-per_epoch:])))
            bar.set_postfix(cost=f"{history['train_cost'][-1]:.3f}")
    bar.close()
    return model, history
