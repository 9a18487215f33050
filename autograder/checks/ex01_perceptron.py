"""Checks of exercise 01_perceptron: perceptron, gate weights, the learning rule, training."""

import numpy as np

from autograder.checks.compare import EXACT, F64, DEVICE, assert_close, call, diagnose, ok, plain, unpack, torch_twin
from autograder.ref_numpy import perceptron as ref

TRUTH = {"and": [0, 0, 0, 1], "or": [0, 1, 1, 1], "nand": [1, 1, 1, 0]}



def _integer_case(rng, n, d):
    """Small integers, so that some weighted sums are exactly 0 (the step's edge)."""
    X = rng.integers(-2, 3, size=(n, d)).astype(float)
    w = rng.integers(-2, 3, size=d).astype(float)
    b = float(rng.integers(-2, 3))
    return X, w, b


def check_perceptron(perceptron, seed=0, n=7, d=3):
    """perceptron(X, w, b) -> (N,) of 0/1 with step(0) = 0, for a random batch and the gate inputs."""
    rng = np.random.default_rng(seed)
    ref_torch, dev, numpy = torch_twin("perceptron")
    cases = [_integer_case(rng, n, d), (ref.GATE_INPUTS, np.array([1.0, 1.0]), -1.0)]
    for X, w, b in cases:
        got = call(perceptron, "perceptron(X, w, b)", X=X, w=w, b=b)
        z = X @ w + b
        hint = diagnose(got, {
            "the step must give 0 when the weighted sum is exactly 0 (use > 0, not >= 0).": (z >= 0).astype(float),
            "apply the step function to the weighted sum; return 0/1, not the sum itself.": z,
            "add the bias b before the step.": (X @ w > 0).astype(float),
        })
        label = f"perceptron(X, w, b) for X of shape {X.shape}"
        got = assert_close(label, got, ref.perceptron(X, w, b), EXACT,
                           hint or "Return one 0/1 value per row of X.")
        assert_close(label + " (against PyTorch)", got, numpy(ref_torch.perceptron(X, w, b, dev)), DEVICE)
    ok(f"perceptron matches the NumPy and PyTorch references on {len(cases)} batches")


def check_gate(w, b, gate):
    """The weights (w, b) make a perceptron compute ``gate`` ('and', 'or' or 'nand')."""
    name = gate.upper()
    w = plain(f"{name} weights", w)
    b = plain(f"{name} bias", b)
    if w.shape != (2,):
        raise AssertionError(f"{name} weights should have shape (2,), one per input; got {w.shape}.")
    if b.shape != ():
        raise AssertionError(f"{name} bias should be one number; got shape {b.shape}.")
    if not np.all(np.isfinite(w)) or not np.isfinite(b):
        raise AssertionError(f"{name} weights and bias must be finite numbers.")
    out = ref.perceptron(ref.GATE_INPUTS, w.astype(float), float(b))
    for x, y, want in zip(ref.GATE_INPUTS, out, TRUTH[gate]):
        x = tuple(int(v) for v in x)
        if y != want:
            raise AssertionError(
                f"With these {name} weights the perceptron gives {int(y)} for input {x}, "
                f"but {name}{x} = {want}. Weighted sum: {float(np.dot(x, w) + b):g}."
            )
    ok(f"{name} weights reproduce the truth table of {name}")


def _update_cases(rng):
    """(w, b, x, y) for: a false negative, a false positive, a correct one, a sum of exactly 0."""
    w = rng.normal(size=3)
    x = rng.normal(size=3)
    z = float(x @ w)
    return [
        (w, -abs(z) - z - 0.5, x, 1.0),
        (w, abs(z) - z + 0.5, x, 0.0),
        (w, abs(z) - z + 0.5, x, 1.0),
        (np.array([1.0, -1.0, 0.0]), 0.0, np.array([2.0, 2.0, 5.0]), 1.0),
    ]


def check_perceptron_update(perceptron_update, seed=0, lr=0.25):
    """perceptron_update(w, b, x, y, lr) -> (new_w, new_b) by the perceptron rule, inputs untouched."""
    rng = np.random.default_rng(seed)
    ref_torch, dev, numpy = torch_twin("perceptron")
    for w, b, x, y in _update_cases(rng):
        label = "perceptron_update(w, b, x, y, lr)"
        out = unpack(label, call(perceptron_update, label, w=w, b=b, x=x, y=y, lr=lr), 2)
        want_w, want_b = ref.perceptron_update(w, b, x, y, lr)
        err = y - ref.step(x @ w + b)
        hint = diagnose(out[0], {
            "the update is w + lr * (y - y_hat) * x; check its sign.": w - lr * err * x,
            "multiply the correction by the learning rate lr.": w + err * x,
        })
        got_w = assert_close(label + "[0] (new w)", out[0], want_w, F64, hint)
        got_b = assert_close(label + "[1] (new b)", out[1], want_b, F64,
                             "the bias moves by lr * (y - y_hat), like a weight whose input is 1.")
        tw, tb = ref_torch.perceptron_update(w, b, x, y, lr, dev)
        assert_close(label + "[0] (against PyTorch)", got_w, numpy(tw), DEVICE)
        assert_close(label + "[1] (against PyTorch)", got_b, numpy(tb), DEVICE)
    ok("perceptron_update follows the learning rule in all four situations")


def _separable(rng, n, d):
    """A linearly separable data set: (X (n, d), y (n,)) labelled by a random hyperplane."""
    w, b = rng.normal(size=d), rng.normal()
    X = rng.normal(size=(n, d))
    return X, (X @ w + b > 0).astype(float)


def check_train_perceptron(train_perceptron, seed=0, n=20, d=2, lr=0.1, epochs=8):
    """train_perceptron(X, y, lr, epochs) -> (w, b, errors per epoch), on AND, OR and random data."""
    rng = np.random.default_rng(seed)
    ref_torch, dev, numpy = torch_twin("perceptron")
    X, y = _separable(rng, n, d)
    gx = ref.GATE_INPUTS
    cases = [(gx, np.array(TRUTH["and"], float)), (gx, np.array(TRUTH["or"], float)), (X, y)]
    for X, y in cases:
        label = f"train_perceptron(X, y, lr={lr}, epochs={epochs}) on X of shape {X.shape}"
        out = unpack(label, call(train_perceptron, label, X=X, y=y, lr=lr, epochs=epochs), 3)
        want = ref.train_perceptron(X, y, lr, epochs)
        names = ["w", "b", "errors"]
        hints = ["start from w = 0 and visit the examples in order, updating after each one.",
                 "start from b = 0 and update it with every example.",
                 "errors[e] counts the examples misclassified in epoch e, before each update."]
        twin = ref_torch.train_perceptron(X, y, lr, epochs, device=dev)
        for i in range(3):
            got = assert_close(f"{label}: {names[i]}", out[i], want[i], F64, hints[i])
            assert_close(f"{label}: {names[i]} (against PyTorch)", got, numpy(twin[i]), DEVICE)
    ok(f"train_perceptron matches the references on AND, OR and {n} random points")
