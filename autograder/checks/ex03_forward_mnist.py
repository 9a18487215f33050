"""Checks of exercise 03_forward_mnist: one-hot labels, flattened images, the forward pass, MSE."""

import numpy as np

from autograder.checks.compare import DEVICE, EXACT, F64, assert_close, call, describe, diagnose, ok, sigmoid
from autograder.checks.messages import say
from autograder.ref_numpy import data as ref_data
from autograder.ref_numpy import losses as ref_losses
from autograder.ref_numpy import mlp as ref_mlp
from autograder.ref_numpy.losses import mse as ref_mse

# English templates, shown through say(NAME).
FORWARD_HINT = ("params is a list of (W, b), one pair per layer, W of shape (n_in, n_out); X has one "
                "example per row. Each layer takes the previous layer's activations (X for the first), "
                "computes its weighted input with W and b, and applies the sigmoid.")


def _torch():
    """torch, its functional module, the device and a tensor -> NumPy helper, imported only when a check runs."""
    import torch
    import torch.nn.functional as F

    import autograder
    from autograder.ref_torch._util import numpy

    return torch, F, autograder.device(float64=True), numpy  # float64 twins: see compare.torch_twin


def _possible(formulas):
    """{hint: value} of the wrong formulas that the shapes allow (others raise and are skipped)."""
    out = {}
    for hint, formula in formulas.items():
        try:
            out[hint] = formula()
        except (ValueError, IndexError):
            pass
    return out


# --- one_hot -------------------------------------------------------------------------------

def _label_cases(rng, n, num_classes):
    """Labels that miss the largest class, a square case (N = C), and the given size."""
    small = rng.integers(0, max(num_classes - 1, 1), size=n)  # class C-1 absent: C columns all the same
    # N = C, and not 10 classes: a transposed result runs, and a hard-coded 10 (MNIST's) shows.
    c_square = max(2, min(num_classes, 12) // 2)
    square = rng.permutation(c_square)
    return [(small, num_classes), (square, c_square), (rng.integers(0, num_classes, size=n), num_classes)]


def _one_hot_mistakes(labels, c):
    """{hint: output} of plausible wrong one-hot encodings."""
    eye = np.eye(c)
    mistakes = {
        say("one row per example: the result has shape (N, num_classes), not its transpose."): eye[labels].T,
        say("labels count from 0: label k sets column k (not k - 1)."): eye[(labels - 1) % c],
    }
    if labels.max() + 1 != c:
        mistakes[say("use num_classes columns, not labels.max() + 1: a batch may lack the largest class.")] = \
            np.eye(labels.max() + 1)[labels]
    if c != 10 and labels.max() < 10:
        mistakes[say("use num_classes columns: MNIST has 10 classes, but the function must work for any number.")] = \
            np.eye(10)[labels]
    cols = np.zeros((len(labels), c))
    cols[:, labels] = 1
    mistakes[say("each row gets a single 1, pairing row n (example n) with column labels[n]; "
                 "you set whole columns to 1.")] = cols
    if labels.max() < len(labels):  # otherwise indexing rows by label raises in the student's code
        rows = np.zeros((len(labels), c))
        rows[labels] = 1
        mistakes[say("each row gets a single 1, pairing row n (example n) with column labels[n]; "
                     "you set whole rows to 1.")] = rows
    return mistakes


def check_one_hot(one_hot, seed=0, n=8, num_classes=10):
    """one_hot(labels, num_classes) -> (N, num_classes) of 0/1, one 1 per row at the label."""
    rng = np.random.default_rng(seed)
    torch, F, dev, numpy = _torch()
    for labels, c in _label_cases(rng, n, num_classes):
        label = describe("one_hot(labels, num_classes)", labels=labels, num_classes=c)  # not a message (the call)
        got = call(one_hot, label, say("labels is a 1-D integer array; build an (N, num_classes) array of zeros "
                                       "and put a 1 in row n, column labels[n]."), labels=labels, num_classes=c)
        hint = diagnose(got, _one_hot_mistakes(labels, c))
        got = assert_close(label, got, ref_data.one_hot(labels, c), EXACT,
                           hint or say("Row n should hold a single 1, in column labels[n], and 0 elsewhere."))
        twin = F.one_hot(torch.as_tensor(labels, dtype=torch.long, device=dev), c)
        assert_close(label, got, numpy(twin), EXACT, against="torch.nn.functional.one_hot")
    ok(say("one_hot matches the NumPy reference and torch.nn.functional.one_hot on 3 batches"))


# --- flatten -------------------------------------------------------------------------------

def _image_cases(rng, n, shape):
    """Random images of ``shape`` and a non-square batch with a channel axis."""
    return [rng.random((n, *shape)), rng.random((max(n - 1, 1), 3, 5, 2))]


def _flatten_mistakes(images):
    """{hint: output} of plausible wrong flattenings that the shapes allow."""
    N = images.shape[0]
    return _possible({
        say("read each image row by row (NumPy's default C order); you read it column by column "
            "(order='F' or a transposed image)."): lambda: images.reshape(N, -1, order="F"),
        say("the first axis is the batch: flatten each image on its own; you mixed pixels of different images."):
            lambda: images.ravel(order="F").reshape(N, -1),
        say("one row per image: shape (N, pixels), not its transpose."): lambda: images.reshape(N, -1).T,
        say("keep the batch axis: one row per image, not one long vector."): lambda: images.ravel(),
    })


def check_flatten(flatten, seed=0, n=4, shape=(6, 6)):
    """flatten(images) -> (N, H*W...) with each image read row by row (C order)."""
    rng = np.random.default_rng(seed)
    torch, _, dev, numpy = _torch()
    for images in _image_cases(rng, n, tuple(shape)):
        size = int(np.prod(images.shape[1:]))
        label = describe("flatten(images)", images=images)
        got = call(flatten, label, say("keep the batch axis and compute the row size from the shape: reshape to "
                                       "(N, {size}); do not hard-code 784, images may have any size.", size=size),
                   images=images)
        hint = diagnose(got, _flatten_mistakes(images))
        got = assert_close(label, got, ref_data.flatten(images), EXACT,
                           hint or say("Return shape (N, {size}); do not hard-code 784, images may have any size.",
                                       size=size))
        twin = torch.flatten(torch.as_tensor(images, dtype=torch.float64, device=dev), start_dim=1)
        assert_close(label, got, numpy(twin), EXACT, against="torch.flatten")
    ok(say("flatten matches the NumPy reference and torch.flatten, image by image, row by row"))


# --- mlp_forward -------------------------------------------------------------------------------

def _network(rng, sizes, scale=1.0):
    """[(W, b), ...] with random (nonzero) biases, so that a missing bias shows."""
    return [(scale * rng.normal(size=(a, b)), rng.normal(size=b)) for a, b in zip(sizes[:-1], sizes[1:])]


def _mlp_forward_mistakes(X, params):
    """{hint: output} of plausible wrong forward passes."""
    ref = ref_mlp.mlp_forward
    _, (zs, _) = ref_mlp.mlp_forward_cache(X, params)

    def linear_hidden():
        a = X
        for W, b in params[:-1]:
            a = a @ W + b
        return sigmoid(a @ params[-1][0] + params[-1][1])
    first_only = {say("use every layer in params, in order; you stopped after the first."): ref(X, params[:1])}
    return (first_only if len(params) > 1 else {}) | _possible({
        say("add the bias b of every layer."): lambda: ref(X, [(W, 0 * b) for W, b in params]),
        say("W already has shape (n_in, n_out), one column per unit of the layer: do not transpose it."):
            lambda: ref(X, [(W.T, b) for W, b in params]),
        say("apply the sigmoid after the last layer too: the output is the activation a^L, not z^L."):
            lambda: zs[-1],
        say("apply the sigmoid after every layer, the hidden ones included."): linear_hidden,
        say("check the sign in the sigmoid's exponent: sigmoid(z) is near 1 for large positive z."):
            lambda: ref(X, params, activation=lambda z: sigmoid(-z)),
        say("this network uses the sigmoid (outputs between 0 and 1), not tanh."):
            lambda: ref(X, params, activation=np.tanh),
    })


def check_mlp_forward(mlp_forward, seed=0, n=5, sizes=(6, 4, 3), scale=1.0):
    """mlp_forward(X, params) -> (N, n_L): sigmoid(a @ W + b) layer by layer, for several networks."""
    rng = np.random.default_rng(seed)
    torch, _, dev, numpy = _torch()
    from autograder.ref_torch import mlp as ref_torch

    sizes = tuple(sizes)
    # Square layers first: there a transposed W runs without an error, and is named.
    nets = [(3, (4, 4, 4)), (n, sizes), (n, sizes[:1] + sizes[-1:])]
    for rows, shape in nets:
        X = rng.normal(size=(rows, shape[0]))
        params = _network(rng, shape, scale)
        label = say("{call} for X of shape {shape} and layer sizes {sizes}",
                    call="mlp_forward(X, params)", shape=X.shape, sizes=list(shape))  # not a message (the call)
        got = call(mlp_forward, label, say(FORWARD_HINT), X=X, params=params)
        hint = diagnose(got, _mlp_forward_mistakes(X, params))
        got = assert_close(label, got, ref_mlp.mlp_forward(X, params), F64, hint or say(FORWARD_HINT))
        assert_close(label, got, numpy(ref_torch.mlp_forward(X, params, device=dev)), DEVICE, against="PyTorch")
    ok(say("mlp_forward matches the NumPy and PyTorch references on {n} networks", n=len(nets)))


# --- mse -------------------------------------------------------------------------------

def _mse_cases(rng, n, num_classes):
    """(pred, target): sigmoid outputs against one-hot rows, a 1-D pair, and a perfect prediction."""
    labels = rng.integers(0, num_classes, size=n)
    target = ref_data.one_hot(labels, num_classes)
    pred = sigmoid(rng.normal(size=(n, num_classes)))
    vec = rng.normal(size=7)
    return [(pred, target), (vec, rng.normal(size=7)), (target, target.copy())]


def _mse_mistakes(pred, target):
    """{hint: value} of the usual wrong mean squared errors."""
    d = pred - target
    rows = d.shape[0] if d.ndim else 1
    return {
        say("take the mean over all entries, not the sum."): np.sum(d * d),
        say("mse has no factor 1/2: that is the convention of the lectures' cost C = 1/(2n) sum (a - y)^2; "
            "return the plain mean."): 0.5 * np.mean(d * d),
        say("that is the lectures' cost C = 1/(2n) sum ||a - y||^2 (sum over classes, 1/2, mean over examples); "
            "mse is the plain mean over all entries."): np.sum(d * d) / (2 * rows),
        say("divide by the number of entries (N times the number of outputs), not by N only."): np.sum(d * d) / rows,
        say("no square root: that is the RMSE."): ref_losses.rmse(pred, target),  # exercise 04 grades it
        say("square the differences (this is the mean absolute error)."): ref_losses.mae(pred, target),
        say("return one number for the whole batch, not one per example."): np.mean(d * d, axis=-1),
    }


def check_mse(mse, seed=0, n=6, num_classes=10):
    """mse(pred, target) -> one number: the mean over all entries of (pred - target)^2."""
    rng = np.random.default_rng(seed)
    torch, F, dev, numpy = _torch()
    for pred, target in _mse_cases(rng, n, num_classes):
        label = describe("mse(pred, target)", pred=pred, target=target)  # not a message (the call, as code)
        got = call(mse, label, say("pred and target have the same shape; the result is one number, the mean "
                                   "of the squared differences."), pred=pred, target=target)
        hint = diagnose(got, _mse_mistakes(pred, target))
        got = assert_close(label, got, ref_mse(pred, target), F64,
                           hint or say("Return the mean over all entries of (pred - target)^2, one number."))
        t = [torch.as_tensor(v, dtype=torch.float64, device=dev) for v in (pred, target)]
        assert_close(label, got, numpy(F.mse_loss(*t)), DEVICE, against="torch.nn.functional.mse_loss")
    ok(say("mse matches the NumPy reference and torch.nn.functional.mse_loss on 3 pairs"))
