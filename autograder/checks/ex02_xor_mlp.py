"""Checks of exercise 02_xor_mlp: a batched dense layer, XOR weights, the two-layer step network."""

import numpy as np

from autograder.checks.compare import (DEVICE, EXACT, F64, assert_close, call, describe, diagnose, fail, ok, plain,
                                       sigmoid, torch_twin)
from autograder.checks.messages import say
from autograder.ref_numpy import xor as ref
from autograder.ref_numpy.perceptron import GATE_INPUTS, step

# English templates, shown through say(NAME).
SHAPES_HINT = ("X has shape (N, n_in), W (n_in, n_out) and b (n_out,); the result has one row per example, "
          "shape (N, n_out).")
ROWS_NOT_COLUMNS = ("W1 holds one row per hidden unit (the lectures' W x form), but here the weights of hidden "
                    "unit j are column j of W1, since the network computes X @ W1 with one example per row. "
                    "Hint: write each unit's weights as a column.")


def _dense_case(rng, n, n_in, n_out):
    return rng.normal(size=(n, n_in)), rng.normal(size=(n_in, n_out)), rng.normal(size=n_out)


def _dense_mistakes(X, W, b):
    """{hint: output} of the plausible wrong dense layers whose shapes allow them."""
    formulas = {
        say("W already has shape (n_in, n_out), one column per output unit: do not transpose it."):
            lambda: X @ W.T + b,
        say("add the bias b to every row."): lambda: X @ W,
        say("one example per ROW: the examples are the rows of X, so X comes first in the product "
            "(the lectures' W x is the column form)."): lambda: W @ X + b,
        say("return one row per example, shape (N, n_out), not its transpose."): lambda: (X @ W + b).T,
        say("b has one bias per output unit: b[j] belongs to column j of the result, added to every row "
            "(not one bias per example)."): lambda: X @ W + b[:, None],
    }
    mistakes = {}
    for hint, formula in formulas.items():
        try:
            mistakes[hint] = formula()
        except ValueError:  # the shapes do not allow this mistake here
            pass
    return mistakes


def check_dense_forward(dense_forward, seed=0, n=5, n_in=3, n_out=4):
    """dense_forward(X, W, b) -> X @ W + b of shape (N, n_out), one example per row."""
    rng = np.random.default_rng(seed)
    ref_torch, dev, numpy = torch_twin("xor")
    # The square case first: there a transposed W or W @ X runs without an error and is named.
    cases = [_dense_case(rng, 3, 3, 3), _dense_case(rng, n, n_in, n_out)]
    for X, W, b in cases:
        label = describe("dense_forward(X, W, b)", X=X, W=W, b=b)  # not a message (the call, as code)
        got = call(dense_forward, label, say(SHAPES_HINT), X=X, W=W, b=b)
        hint = diagnose(got, _dense_mistakes(X, W, b))
        got = assert_close(label, got, ref.dense_forward(X, W, b), F64, hint or say(SHAPES_HINT))
        assert_close(label, got, numpy(ref_torch.dense_forward(X, W, b, dev)), DEVICE, against="PyTorch")
    ok(say("dense_forward matches the NumPy and PyTorch references on {n} batches", n=len(cases)))


def _as_network(W1, b1, W2, b2):
    """The student's XOR weights as plain arrays of the shapes dense layers need."""
    W1, b1, W2, b2 = (plain(say("the variable {name}", name=name), v).astype(float) for name, v in
                      (("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2)))
    if W1.ndim != 2 or W1.shape[0] != 2:
        fail(say("W1 should be a NumPy array of shape (2, n_hidden), one row per input; it has shape {shape}.",
                 shape=W1.shape))
    h = W1.shape[1]
    if b1.shape != (h,):
        fail(say("b1 should have shape ({h},), one bias per hidden unit; it has shape {shape}.", h=h, shape=b1.shape))
    if W2.shape not in ((h, 1), (h,)):
        fail(say("W2 should have shape ({h}, 1), one row per hidden unit; it has shape {shape}.", h=h, shape=W2.shape))
    if b2.shape not in ((1,), ()):
        fail(say("b2 should have shape (1,), one output unit; it has shape {shape}.", shape=b2.shape))
    arrays = (W1, b1, W2.reshape(h, 1), b2.reshape(1))
    if not all(np.all(np.isfinite(a)) for a in arrays):
        fail(say("W1, b1, W2 and b2 must hold finite numbers."))
    return arrays


def check_xor_weights(W1, b1, W2, b2):
    """The two-layer step network with these weights computes XOR (run by the reference)."""
    W1, b1, W2, b2 = _as_network(W1, b1, W2, b2)
    hidden = step(ref.dense_forward(GATE_INPUTS, W1, b1))
    out = ref.xor_network(GATE_INPUTS, W1, b1, W2, b2)[:, 0]
    for x, h, y, want in zip(GATE_INPUTS, hidden, out, ref.XOR_TARGETS):
        if y != want and W1.shape == (2, 2) and _computes_xor(W1.T, b1, W2, b2):
            fail(say(ROWS_NOT_COLUMNS))
        if y != want:
            x = tuple(int(v) for v in x)
            fail(say("With W1, b1, W2, b2 the network gives {got} for input {x}, but XOR{x} = {want}. "
                     "The hidden units give {hidden} there. Hint: XOR is AND(NAND, OR): "
                     "let the hidden units compute NAND and OR (one per column of W1) and the output unit "
                     "the AND of the two.", got=int(y), x=x, want=int(want), hidden=h.astype(int).tolist()))
    ok(say("W1, b1, W2, b2 compute XOR on all four inputs"))


#: The exercise's decomposition, XOR = OR(x1 AND NOT x2, x2 AND NOT x1): what its hidden units
#: give on GATE_INPUTS. (The chapter builds XOR = AND(NAND, OR), so it never prints this answer.)
ANDNOT_UNITS = {(0, 0, 1, 0): "x1 and not x2", (0, 1, 0, 0): "x2 and not x1"}  # not a message (formulas, as keys)


def check_xor_by_andnot(W1, b1, W2, b2):
    """XOR as OR(x1 AND NOT x2, x2 AND NOT x1): two hidden units computing the two ANDNOTs
    (columns of W1, either order) and an output unit computing their OR."""
    W1, b1, W2, b2 = _as_network(W1, b1, W2, b2)
    if W1.shape[1] != 2:
        fail(say("W1 should have shape (2, 2), one column per hidden unit (two units); it has shape {shape}.",
                 shape=W1.shape))
    units = [tuple(int(v) for v in col) for col in step(ref.dense_forward(GATE_INPUTS, W1, b1)).T]
    if sorted(units) != sorted(ANDNOT_UNITS):
        rows = [tuple(int(v) for v in col) for col in step(ref.dense_forward(GATE_INPUTS, W1.T, b1)).T]
        if sorted(rows) == sorted(ANDNOT_UNITS):
            fail(say(ROWS_NOT_COLUMNS))
        fail(say("On the inputs (0, 0), (0, 1), (1, 0), (1, 1) the hidden units give {first} and {second}, but one "
                 "should give [0, 0, 1, 0] (x1 and not x2) and the other [0, 1, 0, 0] (x2 and not x1). Hint: "
                 "exercise 01's ANDNOT gate is the first unit; the second is the same unit with the roles of the "
                 "two inputs swapped.", first=list(units[0]), second=list(units[1])))
    out = ref.xor_network(GATE_INPUTS, W1, b1, W2, b2)[:, 0]
    for x, y, want in zip(GATE_INPUTS, out, ref.XOR_TARGETS):
        if y != want:
            x = tuple(int(v) for v in x)
            fail(say("The hidden units are right, but the network gives {got} for input {x}, and "
                     "XOR{x} = {want}. Hint: the output unit computes the OR of the two hidden units "
                     "(W2 and b2 are an OR gate's weights).", got=int(y), x=x, want=int(want)))
    ok(say("W1, b1, W2, b2 compute XOR as OR(x1 and not x2, x2 and not x1) on all four inputs"))


def _computes_xor(W1, b1, W2, b2):
    return np.array_equal(ref.xor_network(GATE_INPUTS, W1, b1, W2, b2)[:, 0], ref.XOR_TARGETS)


def _integer_network(rng, n, n_in, n_hidden, n_out):
    """Small integers, so that some weighted sums are exactly 0 (the step's edge)."""
    def ints(*shape):
        return rng.integers(-2, 3, size=shape).astype(float)
    return ints(n, n_in), ints(n_in, n_hidden), ints(n_hidden), ints(n_hidden, n_out), ints(n_out)


def _normal_network(rng, n, n_in, n_hidden, n_out):
    shapes = [(n, n_in), (n_in, n_hidden), (n_hidden,), (n_hidden, n_out), (n_out,)]
    return tuple(rng.normal(size=s) for s in shapes)


def _network_mistakes(X, W1, b1, W2, b2):
    """{hint: output} of the plausible wrong two-layer networks."""
    z1 = X @ W1 + b1
    h = step(z1)
    return {
        say("apply the step to the output layer too: the network returns 0/1 values."): h @ W2 + b2,
        say("apply the step to the hidden layer before the second dense layer "
            "(without it the two layers collapse into one)."): step(z1 @ W2 + b2),
        # with (z >= 0) = 1 - step(-z) at both layers, the reference network on negated weights:
        # on inputs without an exact 0 it IS the answer, so no formula here may compute it directly
        say("the step gives 0 when its input is exactly 0 (fire only above 0)."):
            1.0 - ref.xor_network(X, -W1, -b1, W2, -b2 - W2.sum(axis=0)),
        say("add the hidden layer's bias b1."): step(step(X @ W1) @ W2 + b2),
        say("add the output layer's bias b2."): step(h @ W2),
        say("this network uses the step function, not the sigmoid (that comes in chapter 03)."):
            sigmoid(sigmoid(z1) @ W2 + b2),
    }


def check_xor_network(xor_network, seed=0, n=6, n_in=2, n_hidden=2, n_out=1):
    """xor_network(X, W1, b1, W2, b2) -> step(dense(step(dense(X, W1, b1)), W2, b2)): (N, n_out)."""
    rng = np.random.default_rng(seed)
    ref_torch, dev, numpy = torch_twin("xor")
    w = ref.XOR_WEIGHTS
    cases = [(GATE_INPUTS, w["W1"], w["b1"], w["W2"], w["b2"]),
             _integer_network(rng, n, n_in, n_hidden, n_out),
             _normal_network(rng, n, n_in, n_hidden, n_out)]
    generic = say("the hidden layer is a dense layer followed by the step; the output layer "
                  "is another dense layer followed by the step. Use your dense_forward "
                  "(check_dense_forward must pass first).")
    for k, (X, W1, b1, W2, b2) in enumerate(cases):
        label = describe("xor_network(X, W1, b1, W2, b2)", X=X, W1=W1, W2=W2)  # not a message (the call, as code)
        got = call(xor_network, label,
                   say("xor_network should call your dense_forward twice, with a step after each."),
                   X=X, W1=W1, b1=b1, W2=W2, b2=b2)
        hint = diagnose(got, _network_mistakes(X, W1, b1, W2, b2))
        if k > 0:  # right on XOR, wrong here: the function ignores the weights (or the X) it was given
            generic = say("it was right on XOR with the XOR weights but not with these weights. "
                          "Compute with the arguments X, W1, b1, W2, b2 the function receives, not with "
                          "the notebook's variables of section 2 or the XOR table: the grader calls it "
                          "with other networks.")
        got = assert_close(label, got, ref.xor_network(X, W1, b1, W2, b2), EXACT, hint or generic)
        twin = ref_torch.xor_network(X, W1, b1, W2, b2, device=dev)
        assert_close(label, got, numpy(twin), DEVICE, against="PyTorch")
    ok(say("xor_network matches the NumPy and PyTorch references on XOR and {n} random networks", n=len(cases) - 1))
