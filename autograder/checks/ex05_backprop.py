"""Checks of exercise 05_backprop: the affine layer, sigmoid backward, the four
equations of backpropagation, numeric gradients and the SGD step."""

import numpy as np

from autograder.checks.compare import DEVICE, EXACT, F64, assert_close, call, diagnose, fail, ok, torch_twin, unpack
from autograder.checks.messages import say
from autograder.wire import Fixture
from autograder.ref_numpy import backprop as ref_bp
from autograder.ref_numpy import layers as ref_layers
from autograder.ref_numpy import optim as ref_optim
from autograder.ref_numpy.activations import sigmoid
from autograder.ref_numpy.mlp import init_params, mlp_forward_cache

#: Two central-difference codes differ by rounding, about eps * |f| / h ~ 1e-10.
NUMERIC = dict(rtol=1e-6, atol=1e-8)
#: Said when a backward pass raises (usually a matrix product of mismatched shapes). The hints
#: here are English templates, shown as say(NAME).
SHAPES_HINT = ("Check the shapes: every gradient has the shape of its variable (dx like x, dW like W, "
               "db like b); let the shapes of the two factors of each product tell you which one is transposed.")
#: Said when affine_forward raises: usually W transposed, or x and W swapped.
AFFINE_FORWARD_HINT = ("W already has the shape (D, M) in this course (one example per row of x, shape (N, D)): "
                       "the product of x and W, as given, has shape (N, M); no transpose is needed.")


# ---------------------------------------------------------------- affine layer

def _affine_forward_mistakes(x, W, b):
    mistakes = {say("add the bias b (one number per output column)."): x @ W,
                say("the affine layer adds the bias: x @ W + b."): x @ W - b}
    if W.shape[0] == W.shape[1]:
        mistakes[say("x has one example per row and W has shape (D, M) already; do not transpose W.")] = x @ W.T + b
    return mistakes


def check_affine_forward(affine_forward, seed=0, n=4, d=5, m=3):
    """affine_forward(x, W, b) -> (x @ W + b, cache = (x, W)), on a random and a square batch."""
    rng = np.random.default_rng(seed)
    twin_layers, dev, numpy = torch_twin("layers")
    for N, D, M in [(n, d, m), (d, d, d)]:
        x, W, b = rng.normal(size=(N, D)), rng.normal(size=(D, M)), rng.normal(size=M)
        label = say("affine_forward(x, W, b) with x of shape {x} and W of shape {W}", x=x.shape, W=W.shape)
        out = unpack(label, call(affine_forward, label, say(AFFINE_FORWARD_HINT), x=x, W=W, b=b), 2)
        hint = diagnose(out[0], _affine_forward_mistakes(x, W, b))
        got = assert_close(say("{label}: out (first returned value)", label=label), out[0],
                           ref_layers.affine_forward(x, W, b)[0], F64,
                           hint or say("out has shape (N, M): one row per example, one column per output unit."))
        cache = unpack(say("{label}: cache (second returned value)", label=label), out[1], 2)
        assert_close(say("{label}: the cache's first entry, x,", label=label), cache[0], x, EXACT,
                     say("return cache = (x, W)."))
        assert_close(say("{label}: the cache's second entry, W,", label=label), cache[1], W, EXACT,
                     say("return cache = (x, W)."))
        want = numpy(twin_layers.affine_forward(x, W, b, dev)[0])
        assert_close(say("{label} (against PyTorch)", label=label), got, want, DEVICE)
    ok(say("affine_forward matches the NumPy and PyTorch references"))


def _affine_backward_mistakes(x, W, dout):
    n, square = x.shape[0], W.shape[0] == W.shape[1]
    return {
        "dx": {say("going back from M outputs to D inputs, W must be transposed (dx has x's shape (N, D))."):
               dout @ W} if square else {},
        "dW": {
            say("dW has W's shape (D, M); your result is its transpose: check which factor comes first "
                "and which one is transposed."): (dout.T @ x),
            say("do not divide by N here: the 1/N of the cost is already inside dout."): x.T @ dout / n,
        },
        "db": {
            say("db sums dout over the batch (axis 0), it does not average: the 1/N is already in dout."):
                dout.mean(axis=0),
            say("db sums dout over the batch, axis 0 (one number per output), not over axis 1."): dout.sum(axis=1),
        },
    }


def check_affine_backward(affine_backward, seed=0, n=4, d=5, m=3):
    """affine_backward(dout, cache) -> (dx, dW, db) for cache = (x, W), against numpy and autograd."""
    rng = np.random.default_rng(seed)
    twin_layers, dev, numpy = torch_twin("layers")
    shapes = {"dx": say("dx must have shape (N, D) like x."), "dW": say("dW must have shape (D, M) like W."),
              "db": say("db must have shape (M,) like b.")}
    for N, D, M in [(n, d, m), (d, d, d)]:
        x, W, dout = rng.normal(size=(N, D)), rng.normal(size=(D, M)), rng.normal(size=(N, M))
        label = say("affine_backward(dout, cache) with x of shape {x} and W of shape {W}", x=x.shape, W=W.shape)
        out = unpack(label, call(affine_backward, label, say(SHAPES_HINT), dout=dout, cache=(x, W)), 3)
        want = ref_layers.affine_backward(dout, (x, W))
        twin = twin_layers.affine_backward(dout, (x, W), dev)
        mistakes = _affine_backward_mistakes(x, W, dout)
        for i, name in enumerate(("dx", "dW", "db")):
            hint = diagnose(out[i], mistakes[name]) or shapes[name]
            got = assert_close(f"{label}: {name}", out[i], want[i], F64, hint)
            assert_close(say("{label} (against PyTorch autograd)", label=f"{label}: {name}"), got, numpy(twin[i]),
                         DEVICE)
    ok(say("affine_backward matches NumPy and PyTorch autograd (dx, dW, db)"))


# ---------------------------------------------------------------- sigmoid

def _sigmoid_backward_mistakes(s, dout):
    return {
        say("the cache holds s = sigmoid(z), the OUTPUT: the derivative is s * (1 - s); do not apply the "
            "sigmoid to it again."): dout * sigmoid(s) * (1 - sigmoid(s)),
        say("multiply the local derivative s * (1 - s) by the upstream gradient dout (chain rule)."): s * (1 - s),
        say("the derivative of the sigmoid is s * (1 - s), not s."): dout * s,
        say("the derivative is s * (1 - s), with a minus sign inside: 1 - s."): dout * s * (1 + s),
    }


def check_sigmoid_backward(sigmoid_backward, seed=0, shape=(4, 3)):
    """sigmoid_backward(dout, cache) -> dout * s * (1 - s), where the cache s is the sigmoid's output."""
    rng = np.random.default_rng(seed)
    twin_act, dev, numpy = torch_twin("activations")
    z = rng.normal(scale=3.0, size=shape)
    z.flat[0] = 40.0  # a saturated unit: s = 1 to double precision, so the gradient is ~0
    s, dout = sigmoid(z), rng.normal(size=shape)
    label = say("sigmoid_backward(dout, cache) on shape {shape}", shape=shape)
    got = call(sigmoid_backward, label, dout=dout, cache=s)
    hint = diagnose(got, _sigmoid_backward_mistakes(s, dout))
    got = assert_close(label, got, dout * s * (1 - s), F64, hint)
    out, cache = twin_act.sigmoid_forward(z, dev)
    want = numpy(twin_act.sigmoid_backward(dout, cache, dev))
    assert_close(say("{label} (against PyTorch autograd)", label=label), got, want, DEVICE)
    ok(say("sigmoid_backward matches dout * s * (1 - s) and PyTorch autograd"))


# ---------------------------------------------------------------- the four equations

# The mistakes are computed from the reference's gradients (in the student kit, its PyTorch
# twin) and from autograd, never by a backward pass written here in NumPy: a generator whose
# mistake can be switched off would be the answer, shipped to every student
# (tests/grading/authoring/test_kit_leaks.py).

def _z_prime_backward(params, cache, Y):
    """The gradients when sigma'(z) is taken as z (1 - z): autograd through an activation that has
    the sigmoid's value and the derivative z (1 - z) (float64; torch, so no NumPy answer ships)."""
    import torch

    import autograder
    from autograder.ref_torch._util import numpy, tensor

    def activation(z):  # value sigmoid(z); the polynomial adds 0 to the value and z - z**2 to the slope
        p = z * z / 2 - z * z * z / 3
        return torch.sigmoid(z).detach() + (p - p.detach())
    dev = autograder.device(float64=True)
    leaves = [(tensor(W, dev).requires_grad_(True), tensor(b, dev).requires_grad_(True)) for W, b in params]
    A = tensor(cache[1][0], dev)
    for W, b in leaves:
        A = activation(A @ W + b)
    cost = ((A - tensor(Y, dev)) ** 2).sum() / (2 * len(Y))
    flat = [numpy(g) for g in torch.autograd.grad(cost, [t for pair in leaves for t in pair])]
    return list(zip(flat[0::2], flat[1::2]))


def _mlp_backward_mistakes(params, cache, Y):
    """{hint: list of (dW, db)} of plausible wrong backward passes.

    The backward pass is linear in the output error Delta^L: a wrong factor scales the
    reference's gradients, and a Delta^L without sigma'(z^L) is the reference's Delta^L for
    the targets Y' = A - (A - Y) / (A (1 - A)).
    """
    n, k = Y.shape
    right = ref_bp.mlp_backward(params, cache, Y)
    A = cache[1][-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        no_out_prime = A - (A - Y) / (A * (1.0 - A))
    mistakes = {
        say("the cost averages over the batch, so grad_a C = (A - Y) / N; without the 1/N every "
            "gradient is N times too large."): [(dW * n, db * n) for dW, db in right],
        say("the cost is C = 1/(2N) sum ||a - y||^2, whose gradient is (A - Y) / N, not the "
            "2 (A - Y) / (N n_L) of the mean over all entries."): [(dW * 2.0 / k, db * 2.0 / k) for dW, db in right],
        say("sigma'(z) = a (1 - a) with a = sigma(z), the activation; you used z (1 - z)."):
            _z_prime_backward(params, cache, Y),
        say("dW^l = A^(l-1).T @ Delta^l has the shape of W^l; Delta^l.T @ A^(l-1) is its transpose."):
            [(dW.T, db) for dW, db in right],
        say("db^l SUMS Delta^l over the batch: the 1/N of the cost is already inside Delta^l, so averaging "
            "divides by N twice."): [(dW, db / n) for dW, db in right],
    }
    if np.all(np.isfinite(no_out_prime)):  # a saturated output (A = 0 or 1) has no such targets
        mistakes[say("equation 1 needs sigma'(z^L) too: delta^L = grad_a C * a^L (1 - a^L).")] = \
            ref_bp.mlp_backward(params, cache, no_out_prime)
    return mistakes


def _mlp_case(rng, sizes, n, one_hot_targets):
    params = [(W, rng.normal(scale=0.5, size=b.shape)) for W, b in init_params(list(sizes), int(rng.integers(1 << 30)))]
    X = rng.normal(size=(n, sizes[0]))
    if one_hot_targets:
        Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], size=n)]
    else:
        Y = rng.uniform(size=(n, sizes[-1]))
    return params, mlp_forward_cache(X, params)[1], Y


def _shape_hint(l, W):
    return say("dW{l} must have the shape of W{l}, {shape}: dW^l = A^(l-1).T @ Delta^l, and db{l} the "
               "shape ({m},): Delta^l summed over the batch (axis 0). Return the pairs in layer "
               "order [(dW1, db1), (dW2, db2), ...].", l=l, shape=W.shape, m=W.shape[1])


def check_mlp_backward(mlp_backward, seed=0, sizes=(5, 4, 3), n=6, one_hot_targets=False):
    """mlp_backward(params, cache, Y) -> [(dW1, db1), ...] for the quadratic cost of a sigmoid MLP."""
    rng = np.random.default_rng(seed)
    twin_bp, dev, numpy = torch_twin("backprop")
    params, cache, Y = _mlp_case(rng, sizes, n, one_hot_targets)
    label = say("mlp_backward(params, cache, Y) for sizes {sizes} and N = {n}", sizes=list(sizes), n=n)
    out = call(mlp_backward, label,
               say(SHAPES_HINT) + " " + say("BP2 is Delta^l = (Delta^(l+1) @ W^(l+1).T) * sigma'(Z^l)."),
               params=params, cache=cache, Y=Y)
    L = len(params)
    if isinstance(out, (list, tuple)) and len(out) != L:
        fail(say("{label} should return a list of {L} pairs (dW, db), one per layer; got a {kind} of length {n}.",
                 label=label, L=L, kind=type(out).__name__, n=len(out)))
    if not isinstance(out, (list, tuple)):
        fail(say("{label} should return a list of {L} pairs (dW, db), one per layer; got a {kind}.",
                 label=label, L=L, kind=type(out).__name__))
    want = ref_bp.mlp_backward(params, cache, Y)
    twin = twin_bp.mlp_backward(params, cache, Y, dev)
    mistakes = _mlp_backward_mistakes(params, cache, Y)
    for l in range(L, 0, -1):  # from the output back, as the errors flow
        pair = unpack(f"{label}[{l - 1}]", out[l - 1], 2)
        for i, name in enumerate(("dW", "db")):
            hint = diagnose(pair[i], {h: g[l - 1][i] for h, g in mistakes.items()})
            got = assert_close(f"{label}: {name}{l}", pair[i], want[l - 1][i], F64,
                               hint or _shape_hint(l, params[l - 1][0]))
            assert_close(say("{label} (against PyTorch autograd)", label=f"{label}: {name}{l}"), got,
                         numpy(twin[l - 1][i]), DEVICE)
    ok(say("mlp_backward matches the four equations and PyTorch autograd on a {sizes} network",
           sizes="-".join(map(str, sizes))))


# ---------------------------------------------------------------- numeric gradients

def _fixture_cases(rng):
    """(Fixture, x, h, compare with autograd?) for a quadratic, a sine sum and a large step h."""
    k = 6
    A = rng.normal(size=(k, k)) + 4.0 * np.eye(k)  # curvature ~4: a forward difference is off by ~2e-5
    c = rng.normal(size=(3, 2))
    return [
        (Fixture("quadratic", A, c), rng.normal(size=(3, 2)), 1e-5, True),
        (Fixture("sin_sum", 3.0), rng.normal(size=5), 1e-5, True),
        (Fixture("sin_sum", 4.0), rng.normal(size=(2, 2)), 1e-2, False),
    ]


def _torch_function(fixture, torch_mod):
    """The fixture's function written with torch, for autograd."""
    if fixture.name == "quadratic":
        A, c = fixture.params
        return lambda x: x.reshape(-1) @ (torch_mod.as_tensor(A, dtype=x.dtype, device=x.device) @ x.reshape(-1)) / 2 \
            + torch_mod.as_tensor(c, dtype=x.dtype, device=x.device).reshape(-1) @ x.reshape(-1)
    (scale,) = fixture.params
    return lambda x: torch_mod.sin(scale * x).sum()


def _forward_difference(f, x, h):
    grad, f0 = np.zeros_like(x), f(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step.flat[i] = h
        grad.flat[i] = (f(x + step) - f0) / h
    return grad


def _numerical_gradient_mistakes(f, x, h):
    return {
        say("use central differences (f(x + h) - f(x - h)) / (2h); the forward difference "
            "(f(x + h) - f(x)) / h has an error of order h."): _forward_difference(f, x, h),
        say("divide by 2h: the two points x + h and x - h are 2h apart."): 2 * ref_bp.numerical_gradient(f, x, h),
        say("use the step h you are given."): ref_bp.numerical_gradient(f, x, 1e-5),
    }


def check_numerical_gradient(numerical_gradient, seed=0):
    """numerical_gradient(f, x, h) -> central differences of f at x, entry by entry, x unchanged."""
    import torch

    rng = np.random.default_rng(seed)
    twin_bp, dev, numpy = torch_twin("backprop")
    for f, x, h, exact in _fixture_cases(rng):
        label = say("numerical_gradient(f, x, h={h:g}) for f = {f} and x of shape {shape}",
                    h=h, f=f.name, shape=x.shape)
        got = call(numerical_gradient, label, f=f, x=x, h=h)
        hint = diagnose(got, _numerical_gradient_mistakes(f, x, h))
        got = assert_close(label, got, ref_bp.numerical_gradient(f, x, h), NUMERIC,
                           hint or say("return one partial derivative per entry of x, in x's shape."))
        if exact:
            want = numpy(twin_bp.autograd_gradient(_torch_function(f, torch), x, dev))
            assert_close(say("{label} (against the exact gradient by PyTorch autograd)", label=label), got, want,
                         DEVICE)
    ok(say("numerical_gradient gives central differences that match autograd"))


# ---------------------------------------------------------------- SGD

def _sgd_step_mistakes(w, dw, lr):
    return {
        say("gradient DEScent steps against the gradient: w - lr * dw, not w + lr * dw."): w + lr * dw,
        say("multiply the gradient by the learning rate lr."): w - dw,
        say("return the new weights w - lr * dw, not only the step."): -lr * dw,
    }


def check_sgd_step(sgd_step, seed=0, lr=0.1):
    """sgd_step(w, dw, state, lr) -> (w - lr * dw, state), without changing w."""
    rng = np.random.default_rng(seed)
    twin_optim, dev, numpy = torch_twin("optim")
    for shape in [(3, 4), (4,)]:
        w, dw = rng.normal(size=shape), rng.normal(size=shape)
        label = say("sgd_step(w, dw, state, lr={lr:g}) with w of shape {shape}", lr=lr, shape=shape)
        out = unpack(label, call(sgd_step, label, w=w, dw=dw, state=None, lr=lr), 2)
        hint = diagnose(out[0], _sgd_step_mistakes(w, dw, lr))
        want, state = ref_optim.sgd_step(w, dw, None, lr)
        got = assert_close(say("next_w (the first value returned by {label})", label=label), out[0], want, F64, hint)
        assert_close(say("{label} (against PyTorch)", label=label), got,
                     numpy(twin_optim.sgd_step(w, dw, None, lr, dev)[0]), DEVICE)
        if out[1] is not None:
            fail(say("{label}[1] should be the state it was given (None): plain SGD keeps no "
                     "state; got {kind}.", label=label, kind=type(out[1]).__name__))
    ok(say("sgd_step steps against the gradient and leaves w unchanged"))


# ---------------------------------------------------------------- softmax cross-entropy

def _softmax_cross_entropy_mistakes(z, Y):
    """{hint: (loss, dlogits)} of plausible wrong answers."""
    loss, dz = ref_bp.softmax_cross_entropy(z, Y)
    n = z.shape[0]
    p = dz + Y / n  # softmax(z) / N
    return {
        say("the loss is the MEAN over the batch, so its gradient carries a factor 1/N; divide by N."): (loss, dz * n),
        say("the gradient of the cross-entropy with respect to the logits is prediction MINUS target, "
            "(softmax - one-hot) / N; the target's -1 is missing."): (loss, p),
        say("check the sign: descending the loss raises the true class's logit, so its gradient entry is "
            "negative (prediction minus target, not target minus prediction)."): (loss, -dz),
        say("average the loss over the batch (divide the sum by N)."): (loss * n, dz),
        say("the cross-entropy is MINUS the mean log-probability of the true class; check the sign."): (-loss, dz),
        say("average over the N examples only, not over all N * C entries (the zeros of the one-hot rows "
            "are not examples)."): (loss / z.shape[1], dz),
    }


def check_softmax_cross_entropy(softmax_cross_entropy, seed=0, n=6, c=4, scale=3.0):
    """softmax_cross_entropy(logits, Y) -> (mean loss, dlogits = (softmax(logits) - Y) / N), stable at 1e4."""
    rng = np.random.default_rng(seed)
    twin_bp, dev, numpy = torch_twin("backprop")
    huge = rng.normal(size=(3, c)) * 1e4
    for z in (rng.normal(size=(n, c)) * scale, huge):
        Y = np.eye(c)[rng.integers(0, c, size=z.shape[0])]
        label = say("softmax_cross_entropy(logits, Y) with logits of shape {shape} (max abs {top:.3g})",
                    shape=z.shape, top=np.abs(z).max())
        out = unpack(label, call(softmax_cross_entropy, label, say("Y is one-hot with the shape of logits, (N, C)."),
                                 logits=z, Y=Y), 2)
        want = ref_bp.softmax_cross_entropy(z, Y)
        twin = twin_bp.softmax_cross_entropy(z, Y, dev)
        mistakes = _softmax_cross_entropy_mistakes(z, Y)
        names = (say("loss (first returned value)"), say("dlogits (second returned value)"))
        for i, name in enumerate(names):
            hint = diagnose(out[i], {h: m[i] for h, m in mistakes.items()})
            if not hint and np.abs(z).max() > 1e3 and not np.all(np.isfinite(np.asarray(out[i], dtype=float))):
                hint = say(
                    "exp overflowed or a probability underflowed to 0 before its log: subtract each row's "
                    "largest logit before exponentiating, and compute log-probabilities without taking the "
                    "log of a probability (chapter 04's log-sum-exp).")
            got = assert_close(f"{label}: {name}", out[i], want[i], F64,
                               hint or say("the loss is one number, the mean over the batch of -log "
                                           "softmax of the true class; dlogits has the logits' shape (N, C)."))
            assert_close(say("{label} (against PyTorch autograd)", label=f"{label}: {name}"), got, numpy(twin[i]),
                         DEVICE)
    ok(say("softmax_cross_entropy gives the mean loss and (softmax - Y) / N, also for logits of size 1e4"))


# ---------------------------------------------------------------- a training loop

#: Training repeats the same arithmetic in another order for dozens of steps; rounding
#: differences of ~1e-15 grow a little with every step.
TRAIN = dict(rtol=1e-6, atol=1e-9)


def _losses_frozen_biases(X, Y, sizes, lr, epochs, seed):
    """The losses of full-batch training that never updates a bias (the mistake is built in)."""
    params, losses = init_params(list(sizes), seed), []
    for _ in range(epochs):
        _, cache = mlp_forward_cache(X, params)
        losses.append(ref_bp.softmax_cross_entropy(cache[0][-1], Y)[0])
        grads = ref_bp.mlp_backward_ce(params, cache, Y)
        params = [(W - lr * dW, b) for (W, b), (dW, _) in zip(params, grads)]
    return np.array(losses)


def _losses_without_target(X, Y, sizes, lr, epochs, seed):
    """The losses of full-batch training whose output error is softmax / N, the target left out
    (the reference's gradients for all-zero targets; the mistake is built in)."""
    params, losses, zeros = init_params(list(sizes), seed), [], np.zeros_like(Y)
    for _ in range(epochs):
        _, cache = mlp_forward_cache(X, params)
        losses.append(ref_bp.softmax_cross_entropy(cache[0][-1], Y)[0])
        grads = ref_bp.mlp_backward_ce(params, cache, zeros)
        params = [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads)]
    return np.array(losses)


def _train_mlp_mistakes(X, Y, sizes, lr, epochs, seed):
    """{hint: losses} of plausible wrong training loops.

    Four are the reference's own training with other arguments: without the 1/N every step
    is lr * N * gradient, a squared learning rate is lr * lr, another seed, and the loss after
    each step is the reference's curve one step on. The other two have their mistake built in.
    No generator here trains right when a switch is left off (tests/grading/authoring/test_kit_leaks.py).
    """
    from autograder.ref_numpy import train as ref_train

    n, wrong_seed = X.shape[0], 0 if seed != 0 else 1

    def losses(lr_=lr, epochs_=epochs, seed_=seed):
        return ref_train.train_full_batch(X, Y, sizes, lr_, epochs_, seed_)[1]
    return {
        say("the loss is a mean over the N examples, so the output error is (softmax - Y) / N; without the 1/N "
            "every step is N times too large."): losses(lr_=lr * n),
        say("the output error of softmax with cross-entropy is prediction minus target, (softmax - Y) / N; "
            "the target is missing."): _losses_without_target(X, Y, sizes, lr, epochs, seed),
        say("every parameter learns: update each bias b with its gradient db as well as each W."):
            _losses_frozen_biases(X, Y, sizes, lr, epochs, seed),
        say("the initial weights must come from init_params(sizes, seed) with the seed you are given."):
            losses(seed_=wrong_seed),
        say("the step is lr * gradient, once: the learning rate was applied twice (lr * lr * gradient)."):
            losses(lr_=lr * lr),
        say("losses[i] is the loss BEFORE step i (the first entry is the loss of the initial weights)."):
            losses(epochs_=epochs + 1)[1:],
    }


def _train_case(seed, n, sizes):
    """Three Gaussian-ish clusters in sizes[0] dimensions, one-hot targets for sizes[-1] classes."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, sizes[-1], size=n)
    centers = rng.normal(scale=1.5, size=(sizes[-1], sizes[0]))
    return centers[labels] + rng.normal(size=(n, sizes[0])), np.eye(sizes[-1])[labels]


def check_train_mlp(train_mlp, seed=0, sizes=(4, 6, 3), n=30, lr=0.5, epochs=25, init_seed=7):
    """train_mlp(X, Y, sizes, lr, epochs, seed) -> (params, losses): full-batch descent on softmax cross-entropy."""
    X, Y = _train_case(seed, n, sizes)
    twin_train, dev, numpy = torch_twin("train")
    from autograder.ref_numpy import train as ref_train

    label = say("train_mlp(X, Y, sizes={sizes}, lr={lr:g}, epochs={epochs}, seed={seed}) with X of shape {shape}",
                sizes=list(sizes), lr=lr, epochs=epochs, seed=init_seed, shape=X.shape)
    out = unpack(label, call(train_mlp, label, say(SHAPES_HINT), X=X, Y=Y, sizes=list(sizes), lr=lr, epochs=epochs,
                             seed=init_seed), 2)
    want_params, want_losses = ref_train.train_full_batch(X, Y, list(sizes), lr, epochs, init_seed)
    hint = diagnose(out[1], _train_mlp_mistakes(X, Y, list(sizes), lr, epochs, init_seed))
    got = assert_close(say("{label}: losses (second returned value)", label=label), out[1], want_losses, TRAIN,
                       hint or say("losses holds {epochs} numbers: the mean cross-entropy over all of X before each "
                                   "step. Compare your first loss with the loss of init_params(sizes, seed).",
                                   epochs=epochs))
    t_params, t_losses = twin_train.train_full_batch(X, Y, list(sizes), lr, epochs, init_seed, dev)
    assert_close(say("{label}: losses (against PyTorch autograd and torch.optim.SGD)", label=label), got,
                 numpy(t_losses), DEVICE)
    params = out[0]
    if not isinstance(params, (list, tuple)) or len(params) != len(want_params):
        fail(say("{label}: the first returned value should be the list of {L} pairs (W, b) after training; "
                 "got a {kind}.", label=label, L=len(want_params), kind=type(params).__name__))
    for l, (pair, (W, b)) in enumerate(zip(params, want_params), start=1):
        pair = unpack(f"{label}: params[{l - 1}]", pair, 2)
        assert_close(say("{label}: W{l} after training", label=label, l=l), pair[0], W, TRAIN,
                     say("return the trained weights."))
        assert_close(say("{label}: b{l} after training", label=label, l=l), pair[1], b, TRAIN,
                     say("return the trained biases (they must be updated too)."))
    ok(say("train_mlp reproduces the reference loss curve ({epochs} steps) and PyTorch's", epochs=epochs))
