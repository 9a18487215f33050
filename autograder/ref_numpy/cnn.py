"""A small LeNet-like convolutional network for MNIST, and its training loop (chapter 10_cnn).

Architecture (the stages of the "심층 신경망" notes: convolution, pooling, fully connected):

    x (N, 1, 28, 28)
    -> conv 3x3, 1 -> 8 channels, pad 1 -> ReLU -> max pool 2x2   (N, 8, 14, 14)
    -> conv 3x3, 8 -> 16 channels, pad 1 -> ReLU -> max pool 2x2  (N, 16, 7, 7)
    -> flatten (c, i, j order, as torch.nn.Flatten) -> affine 784 -> 10 = logits

Softmax cross-entropy cost, plain mini-batch SGD. Parameters are a dict of arrays
{"w1", "b1", "w2", "b2", "W3", "b3"}; W3 has shape (784, 10) (the book's x @ W convention).
"""

import numpy as np
from tqdm.auto import tqdm

from autograder.ref_numpy import conv
from autograder.ref_numpy.layers import affine_backward, affine_forward
from autograder.ref_numpy.losses import cross_entropy, softmax
from autograder.ref_numpy.train import accuracy, minibatches

#: (channels of conv 1, channels of conv 2, kernel size, image side, classes).
ARCH = dict(c1=8, c2=16, k=3, side=28, classes=10)


def init_cnn(seed=0, c1=8, c2=16, k=3, side=28, classes=10):
    """He-initialised parameters: every weight ~ N(0, 2 / fan_in), biases 0.

    fan_in is what one output unit sums over: k*k for conv 1, c1*k*k for conv 2,
    c2 * (side/4)^2 for the last layer. Returns {"w1": (c1, 1, k, k), "b1": (c1,),
    "w2": (c2, c1, k, k), "b2": (c2,), "W3": (c2*(side//4)**2, classes), "b3": (classes,)}.
    """
    rng = np.random.default_rng(seed)
    flat = c2 * (side // 4) ** 2

    def he(shape, fan_in):
        return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape)
    return {"w1": he((c1, 1, k, k), k * k), "b1": np.zeros(c1),
            "w2": he((c2, c1, k, k), c1 * k * k), "b2": np.zeros(c2),
            "W3": he((flat, classes), flat), "b3": np.zeros(classes)}


def count_params(params):
    """Number of learned numbers in a dict (or list of pairs) of arrays."""
    arrays = params.values() if isinstance(params, dict) else [a for pair in params for a in pair]
    return int(sum(np.size(a) for a in arrays))


def cnn_forward(x, params):
    """x: (N, 1, 28, 28) -> (logits (N, 10), cache).

    cache["maps"] holds the output of every stage, by name.
    """
    pad = params["w1"].shape[-1] // 2
    z1, c1 = conv.conv2d_forward(x, params["w1"], params["b1"], 1, pad)
    a1 = np.maximum(z1, 0)  # ReLU; keeps float32 as float32
    p1, m1 = conv.maxpool_forward(a1, 2)
    z2, c2 = conv.conv2d_forward(p1, params["w2"], params["b2"], 1, pad)
    a2 = np.maximum(z2, 0)
    p2, m2 = conv.maxpool_forward(a2, 2)
    logits, c3 = affine_forward(
        p2.reshape(len(p2), -1), params["W3"], params["b3"]
    )
    maps = {
        "conv1": z1,
        "relu1": a1,
        "pool1": p1,
        "conv2": z2,
        "relu2": a2,
        "pool2": p2,
    }
    return logits, {
        "layers": (c1, z1, m1, c2, z2, m2, c3),
        "pool2_shape": p2.shape,
        "maps": maps,
    }


def cnn_backward(dlogits, cache):
    """dlogits: (N, 10) = dC/dlogits -> gradients, a dict shaped like params."""
    c1, z1, m1, c2, z2, m2, c3 = cache["layers"]
    dflat, dW3, db3 = affine_backward(dlogits, c3)
    dp2 = dflat.reshape(cache["pool2_shape"])
    # ReLU backward: the gradient passes where the pre-activation z was > 0.
    dp1, dw2, db2 = conv.conv2d_backward(
        np.where(z2 > 0, conv.maxpool_backward(dp2, m2), 0), c2
    )
    _, dw1, db1 = conv.conv2d_backward(
        np.where(z1 > 0, conv.maxpool_backward(dp1, m1), 0), c1
    )
    return {"w1": dw1, "b1": db1, "w2": dw2, "b2": db2, "W3": dW3, "b3": db3}


def softmax_cross_entropy(logits, labels):
    """(mean cross-entropy, its gradient (softmax(logits) - one_hot(labels)) / N)."""
    d = softmax(logits).astype(np.result_type(logits, np.float32))  # float32 stays float32
    d[np.arange(len(labels)), labels] -= 1.0
    return cross_entropy(logits, labels), d / len(labels)


def train_step(params, x, labels, lr):
    """One SGD iteration on the batch x: (B, 1, 28, 28) -> (new params, cost before the step)."""
    logits, cache = cnn_forward(x, params)
    cost, dlogits = softmax_cross_entropy(logits, labels)
    grads = cnn_backward(dlogits, cache)
    return {k: v - lr * grads[k] for k, v in params.items()}, cost


def predict_logits(params, x, batch_size=500):
    """Logits (N, 10) of x (N, 1, 28, 28), in batches (the im2col matrices stay small)."""
    return np.concatenate([cnn_forward(x[i:i + batch_size], params)[0] for i in range(0, len(x), batch_size)])


def evaluate(params, x, labels):
    """(mean cross-entropy, accuracy) on x: (N, 1, 28, 28), labels: (N,)."""
    logits = predict_logits(params, x)
    return cross_entropy(logits, labels), accuracy(logits, labels)


def train_cnn(x, labels, epochs, batch_size, lr, seed=0, val=None, progress=True):
    """Train the CNN by mini-batch SGD from ``init_cnn(seed)`` on x: (N, 1, 28, 28), labels: (N,).

    Batches ``ref_numpy.train.minibatches(N, batch_size, seed, epoch)`` (shared with the
    PyTorch twin). Returns (params, history): per-iteration ``batch_cost``; per-epoch
    ``train_cost`` (the mean of that epoch's batch costs: a second pass over the training set
    would cost a third of an epoch), and ``val_cost``, ``val_acc`` with ``val = (x_val, labels_val)``.
    """
    params = {k: v.astype(x.dtype) for k, v in init_cnn(seed).items()}
    history = {k: [] for k in ("batch_cost", "train_cost", "val_cost", "val_acc")}
    batches = [b for e in range(epochs) for b in minibatches(len(x), batch_size, seed, e)]
    per_epoch = len(batches) // epochs
    bar = tqdm(total=len(batches), desc="NumPy CNN", disable=not progress)
    for it, idx in enumerate(batches, 1):
        params, cost = train_step(params, x[idx], labels[idx], lr)
        history["batch_cost"].append(cost)
        bar.update()
        if it % per_epoch == 0:
            if val is not None:
                c, a = evaluate(params, *val)
                history["val_cost"].append(c)
                history["val_acc"].append(a)
            history["train_cost"].append(float(np.mean(history["batch_cost"][-per_epoch:])))
            bar.set_postfix(cost=f"{history['train_cost'][-1]:.3f}")
    bar.close()
    return params, history
