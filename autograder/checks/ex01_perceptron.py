"""Checks of exercise 01_perceptron: perceptron, gate weights, the learning rule, training."""

import numpy as np

from autograder.checks.compare import (DEVICE, EXACT, F64, assert_close, call, describe, diagnose, fail, ok, plain,
                                       torch_twin, unpack)
from autograder.checks.messages import say
from autograder.ref_numpy import perceptron as ref

#: Truth tables on the inputs (0, 0), (0, 1), (1, 0), (1, 1). The chapter builds AND, OR and
#: NAND; the exercise asks for the other three (so that the chapter never prints its answer):
#: NOR, ANDNOT = x1 AND NOT x2, and IMPLIES = x1 -> x2 (NOT x1 OR x2).
TRUTH = {"and": [0, 0, 0, 1], "or": [0, 1, 1, 1], "nand": [1, 1, 1, 0],
         "nor": [1, 0, 0, 0], "andnot": [0, 0, 1, 0], "implies": [1, 1, 0, 1]}



def _integer_case(rng, n, d):
    """Small integers. The last row's weighted sum is exactly 0 (the step's edge) and,
    when n >= 2, on the row before X @ w and X @ w + b fall on different sides of 0, so ">= 0" and a
    missing bias give different outputs and each hint names only its own mistake."""
    X = rng.integers(-2, 3, size=(n, d)).astype(float)
    w = rng.integers(-2, 3, size=d).astype(float)
    w[0] = 1.0
    b = float(rng.choice([-2.0, 2.0]))
    X[-1, 0] = -(X[-1, 1:] @ w[1:] + b)  # z = 0
    if n >= 2:  # X @ w = -b/2: z = b/2 has the sign of b, X @ w the other
        X[-2, 0] = -b / 2 - X[-2, 1:] @ w[1:]
    return X, w, b


def _perceptron_mistakes(X, w, b):
    """{hint: output} of the plausible wrong perceptrons; each hint names one idea, not the code."""
    z = X @ w + b
    return {
        say("the step must give 0 when the weighted sum is exactly 0 (fire only when it is above 0)."):
            (z >= 0).astype(float),
        say("apply the step function to the weighted sum; return 0/1, not the sum itself."): z,
        say("the bias b belongs in the weighted sum before the step."): (X @ w > 0).astype(float),
        say("below the threshold the step gives 0, not -1 (this is not the sign function)."): np.sign(z),
        say("below the threshold the step gives 0, not -1."): np.where(z > 0, 1.0, -1.0),
    }


def check_perceptron(perceptron, seed=0, n=7, d=3):
    """perceptron(X, w, b) -> (N,) of 0/1 with step(0) = 0, for a random batch and the gate inputs."""
    rng = np.random.default_rng(seed)
    ref_torch, dev, numpy = torch_twin("perceptron")
    # The random case first: its sum of exactly 0 tells ">= 0" apart from a missing bias.
    cases = [_integer_case(rng, n, d), (ref.GATE_INPUTS, np.array([1.0, 1.0]), -1.5)]
    for X, w, b in cases:
        label = describe("perceptron(X, w, b)", X=X, w=w, b=b)  # not a message (the call, as code)
        got = call(perceptron, label, X=X, w=w, b=b)
        hint = diagnose(got, _perceptron_mistakes(X, w, b))
        got = assert_close(label, got, ref.perceptron(X, w, b), EXACT,
                           hint or say("Return one 0/1 value per row of X, as a NumPy array."))
        assert_close(label, got, numpy(ref_torch.perceptron(X, w, b, dev)), DEVICE, against="PyTorch")
    ok(say("perceptron matches the NumPy and PyTorch references on {n} batches", n=len(cases)))


def check_gate(w, b, gate):
    """The weights (w, b) make a perceptron compute ``gate`` (a key of ``TRUTH``).

    The notebook's variables are ``NOR_W, NOR_B``, ``ANDNOT_W, ANDNOT_B`` and
    ``IMPLIES_W, IMPLIES_B``.
    """
    name = gate.upper()
    w = plain(say("{name}_W (the {name} weights)", name=name), w, (2,))
    b = plain(say("{name}_B (the {name} bias)", name=name), b, ())
    if w.shape != (2,):
        fail(say("{name}_W should be a NumPy array of shape (2,), one weight per input; it has shape {shape}.",
                 name=name, shape=w.shape))
    if b.shape != ():
        fail(say("{name}_B should be one number; it has shape {shape}.", name=name, shape=b.shape))
    if not np.all(np.isfinite(w)) or not np.isfinite(b):
        fail(say("{name}_W and {name}_B must be finite numbers.", name=name))
    out = ref.perceptron(ref.GATE_INPUTS, w.astype(float), float(b))
    for x, y, want in zip(ref.GATE_INPUTS, out, TRUTH[gate]):
        x = tuple(int(v) for v in x)
        if y != want:
            total = float(np.dot(x, w) + b) + 0.0
            if total == 0:
                fail(say("With {name}_W and {name}_B the perceptron gives {got} for input {x}, but {name}{x} = "
                         "{want}. Its weighted sum there is {total:g}, and step(0) = 0.",
                         name=name, got=int(y), x=x, want=want, total=total))
            fail(say("With {name}_W and {name}_B the perceptron gives {got} for input {x}, but {name}{x} = "
                     "{want}. Its weighted sum there is {total:g}.",
                     name=name, got=int(y), x=x, want=want, total=total))
    ok(say("{name} weights reproduce the truth table of {name}", name=name))


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


def _perceptron_update_mistakes(w, b, x, y, lr):
    """{hint: new w} of the plausible wrong updates of a misclassified example."""
    err = y - ref.step(x @ w + b)
    mistakes = {
        say("when the unit should have fired (y = 1) but did not, w must move toward x; "
            "check the sign of the correction."): w - lr * err * x,
        say("scale the correction by the learning rate lr."): w + err * x,
    }
    if x @ w + b == 0:  # the step's edge: a prediction made with ">= 0" thinks the unit fired
        mistakes[say("the weighted sum is exactly 0 here, so the prediction is 0 (step(0) = 0), "
                     "the example is misclassified and w must move.")] = w
    return mistakes


def check_perceptron_update(perceptron_update, seed=0, lr=0.25):
    """perceptron_update(w, b, x, y, lr) -> (new_w, new_b) by the perceptron rule, inputs untouched."""
    rng = np.random.default_rng(seed)
    ref_torch, dev, numpy = torch_twin("perceptron")
    for w, b, x, y in _update_cases(rng):
        call_text = "perceptron_update(w, b, x, y, lr)"  # not a message (the call, as code)
        label = describe(call_text, y=y, lr=lr)
        out = unpack(label, call(perceptron_update, label, w=w, b=b, x=x, y=y, lr=lr), 2)
        want_w, want_b = ref.perceptron_update(w, b, x, y, lr)
        if y != ref.step(x @ w + b):
            hint = diagnose(out[0], _perceptron_update_mistakes(w, b, x, y, lr))
        else:
            hint = say("the prediction is right here, so w must not change.")
        label_w, label_b = (describe(call_text, part, i, y=y, lr=lr)
                            for i, part in enumerate((say("new w"), say("new b"))))
        got_w = assert_close(label_w, out[0], want_w, F64, hint)
        got_b = assert_close(label_b, out[1], want_b, F64,
                             say("the bias is corrected like a weight whose input is always 1."))
        tw, tb = ref_torch.perceptron_update(w, b, x, y, lr, dev)
        assert_close(label_w, got_w, numpy(tw), DEVICE, against="PyTorch")
        assert_close(label_b, got_b, numpy(tb), DEVICE, against="PyTorch")
    ok(say("perceptron_update follows the learning rule in all four situations"))


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
        call_text = "train_perceptron(X, y, lr, epochs)"  # not a message (the call, as code)
        label = describe(call_text, X=X, lr=lr, epochs=epochs)
        out = unpack(label, call(train_perceptron, label, X=X, y=y, lr=lr, epochs=epochs), 3)
        want = ref.train_perceptron(X, y, lr, epochs)
        names = ["w", "b", "errors"]
        hints = [say("start from w = 0 and visit the examples in order, updating after each one."),
                 say("start from b = 0 and update it with every example."),
                 say("errors[e] counts the examples misclassified in epoch e, each judged just before "
                     "its own update.")]
        twin = ref_torch.train_perceptron(X, y, lr, epochs, device=dev)
        hints[2] = diagnose(out[2], {say("errors[e] counts the mistakes of epoch e alone, not a running "
                                         "total over the epochs so far."): np.cumsum(want[2])}) or hints[2]
        for i in range(3):
            part = describe(call_text, names[i], i, X=X, lr=lr, epochs=epochs)
            got = assert_close(part, out[i], want[i], F64, hints[i])
            assert_close(part, got, numpy(twin[i]), DEVICE, against="PyTorch")
    ok(say("train_perceptron matches the references on AND, OR and {n} random points", n=n))
