"""Checks of exercise 06_activations: five activations (forward and backward) and
the gradient norm of every layer of a deep network.

A backward check gets the student's forward too: the cache is whatever their forward
returns, so ``check_relu_backward(relu_backward, relu_forward)`` runs the pair.
"""

import numpy as np

from autograder.checks.compare import DEVICE, F64, assert_close, call, diagnose, ok, sigmoid, unpack
from autograder.checks.messages import say
from autograder.ref_numpy import activations as ref
from autograder.ref_numpy import vanishing as ref_vanishing
from autograder.ref_numpy.mlp import init_params

#: Gradient norms span many orders of magnitude (1e-7 and 1 in one answer): relative only.
REL = dict(rtol=1e-7, atol=0.0)
#: The same against the PyTorch reference on an accelerator.
REL_DEVICE = dict(rtol=1e-5, atol=0.0)

#: Inputs every activation check contains: exact zeros (the kinks), huge values
#: (overflow in exp), values where sigmoid and tanh are saturated, tiny ones.
SPECIALS = (0.0, 1e3, -1e3, -0.0, 30.0, -30.0, 1e-12, -1e-12)

#: Keyword arguments each activation takes besides x (its alpha), for the labels.
ALPHA = {"leaky_relu": 0.01, "elu": 1.0}

#: A named mistake of several backward checks: dout left out (an English template, shown as say(NAME)).
CHAIN_RULE_HINT = "multiply the local derivative by the upstream gradient dout (chain rule)."


def _torch():
    """The PyTorch twin and its device, imported only when a check runs."""
    import autograder
    from autograder.ref_torch import activations as ref_torch
    from autograder.ref_torch._util import numpy

    return ref_torch, autograder.device(float64=True), numpy  # float64 twins: see compare.torch_twin


def _inputs(seed, shape):
    """Random x of ``shape`` (scale 3) holding SPECIALS at random places, and an upstream dout."""
    rng = np.random.default_rng(seed)
    x = rng.normal(scale=3.0, size=shape)
    flat = x.reshape(-1)  # a view of x
    k = min(len(SPECIALS), flat.size)
    flat[rng.choice(flat.size, size=k, replace=False)] = SPECIALS[:k]
    return x, rng.normal(size=shape)


def _overflow_hint(got, x):
    """A hint when the answer is NaN or inf where x is huge: exp overflowed."""
    try:
        g = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return ""
    if g.shape == x.shape and np.any(~np.isfinite(g) & (np.abs(x) > 700)):
        return say("for |x| = 1000, np.exp(1000) overflows to inf and inf / inf is NaN; "
                   "use a form in which exp only sees numbers <= 0 (or np.tanh for tanh).")
    return ""


def _forward_args(x, alpha):
    """The arguments of a forward call: (x,) or (x, alpha); alpha None means the default."""
    return (x,) if alpha is None else (x, alpha)


def _call_forward(fwd, name, x, alpha):
    """Call the student's forward; return (label, out, cache)."""
    args = dict(x=x) if alpha is None else dict(x=x, alpha=alpha)
    written = f"{name}_forward(x)" if alpha is None else f"{name}_forward(x, alpha={alpha})"
    label = say("{call} for x of shape {shape}", call=written, shape=x.shape)
    out, cache = unpack(label, call(fwd, label, **args), 2)
    return label, out, cache


def _known(mistakes, name, alpha, *arrays):
    """The outputs of known mistakes (no warnings: several overflow on purpose)."""
    a = ALPHA.get(name) if alpha is None else alpha
    with np.errstate(all="ignore"):
        return mistakes(*arrays) if a is None else mistakes(*arrays, a)


def _forward_case(fwd, name, x, alpha, mistakes):
    """Compare one forward call with the NumPy and the PyTorch reference."""
    label, out, _ = _call_forward(fwd, name, x, alpha)
    hint = diagnose(out, _known(mistakes, name, alpha, x)) or _overflow_hint(out, x)
    want, _ = getattr(ref, name + "_forward")(*_forward_args(x, alpha))
    got = assert_close(label, out, want, F64, hint)
    ref_torch, dev, numpy = _torch()
    t_out, _ = getattr(ref_torch, name + "_forward")(*_forward_args(x, alpha), device=dev)
    assert_close(say("{label} (against PyTorch)", label=label), got, numpy(t_out), DEVICE)


def _backward_case(bwd, fwd, name, x, dout, alpha, mistakes):
    """Run the student's forward, then their backward on its cache; compare dx with both references."""
    label, out, cache = _call_forward(fwd, name, x, alpha)
    want_out, rcache = getattr(ref, name + "_forward")(*_forward_args(x, alpha))
    assert_close(say("{label} (its cache feeds the backward pass)", label=label), out, want_out, F64,
                 say("{name}_backward is tested with the cache of your {name}_forward: "
                     "make {name}_forward pass its own check first.", name=name))
    if alpha is None:
        blabel = say("{name}_backward(dout, cache) for x of shape {shape}", name=name, shape=x.shape)
    else:
        blabel = say("{name}_backward(dout, cache) for x of shape {shape}, alpha={alpha}",
                     name=name, shape=x.shape, alpha=alpha)
    dx = call(bwd, blabel, dout=dout, cache=cache)
    hint = diagnose(dx, _known(mistakes, name, alpha, x, dout)) or _overflow_hint(dx, x)
    got = assert_close(blabel, dx, getattr(ref, name + "_backward")(dout, rcache), F64, hint)
    ref_torch, dev, numpy = _torch()
    _, tcache = getattr(ref_torch, name + "_forward")(*_forward_args(x, alpha), device=dev)
    t_dx = getattr(ref_torch, name + "_backward")(dout, tcache)
    assert_close(say("{label} (against PyTorch autograd)", label=blabel), got, numpy(t_dx), DEVICE)


def _shape_text(shape):
    """'4x3' for a matrix, '3-element' for a vector (not '3'), 'scalar' for ()."""
    if len(shape) == 1:
        return say("{n}-element", n=shape[0])
    return "x".join(str(n) for n in shape) or say("scalar")


# --- known mistakes: {hint: what the mistaken formula gives} ------------------------
# A mistake that is one step from the answer (the kink on the wrong side, dout left out,
# a fixed alpha) is the reference's own output transformed, so that no check writes out
# a graded function.

def _relu(x):
    return ref.relu_forward(x)[0]


def _dx(name, x, dout, *alpha):
    """The reference's dx for x and dout (backward on the reference's own cache)."""
    return getattr(ref, name + "_backward")(dout, getattr(ref, name + "_forward")(x, *alpha)[1])


def _kink_on_the_right(x, dout, dx):
    """dx with the slope of the right side (1) at x == 0 exactly: the test x >= 0 instead of x > 0."""
    return np.where(x == 0, dout, dx)


def _kink_zero(x, dx):
    """dx with slope 0 at x == 0 exactly: the left side tested with x < 0, and x == 0 in neither."""
    return np.where(x == 0, 0.0, dx)


def _sigmoid_forward_mistakes(x):
    return {say("sigmoid(x) = 1 / (1 + exp(-x)): check the sign in the exponent."): sigmoid(-x)}


def _sigmoid_backward_mistakes(x, dout):
    s = sigmoid(x)
    return {
        say("the derivative is s * (1 - s) with s = sigmoid(x), the OUTPUT; you computed "
            "x * (1 - x) from the input. Cache the output in sigmoid_forward."): ref.sigmoid_backward(dout, x),
        say(CHAIN_RULE_HINT): ref.sigmoid_backward(np.ones_like(s), s),
        say("the derivative of sigmoid is s * (1 - s), not s itself."): dout * s,
        say("the cache already holds s = sigmoid(x): do not apply sigmoid to it again."):
            ref.sigmoid_backward(dout, sigmoid(s)),
    }


def _tanh_forward_mistakes(x):
    return {
        say("tanh(x) = 2 * sigmoid(2x) - 1: the argument of the sigmoid is 2x."): 2 * sigmoid(x) - 1,
        say("that is the sigmoid; tanh(x) = 2 * sigmoid(2x) - 1 (or np.tanh)."): sigmoid(x),
    }


def _tanh_backward_mistakes(x, dout):
    t = np.tanh(x)
    return {
        say("the derivative is 1 - t**2 with t = tanh(x), the OUTPUT; you computed 1 - x**2 "
            "from the input. Cache the output in tanh_forward."): ref.tanh_backward(dout, x),
        say("the derivative is 1 - t**2 (squared), not 1 - t."): dout * (1 - t),
        say(CHAIN_RULE_HINT): ref.tanh_backward(np.ones_like(t), t),
        say("that is the sigmoid's derivative formula; for tanh it is 1 - t**2."): ref.sigmoid_backward(dout, t),
        say("the cache already holds t = tanh(x): do not apply tanh to it again."):
            ref.tanh_backward(dout, np.tanh(t)),
    }


def _relu_forward_mistakes(x):
    return {
        say("return max(0, x) itself, not the 0/1 mask x > 0."): (x > 0).astype(float),
        say("ReLU keeps positive x and sets negative x to 0, not the other way round."): -_relu(-x),
    }


def _relu_backward_mistakes(x, dout):
    return {
        say("at x = 0 exactly the gradient must be 0 (the subgradient this course and PyTorch "
            "use): test x > 0, not x >= 0."): _kink_on_the_right(x, dout, _dx("relu", x, dout)),
        say("multiply the 0/1 mask by the upstream gradient dout (chain rule)."): _dx("relu", x, np.ones_like(x)),
        say("the local derivative of ReLU is 0 or 1, not ReLU(x) itself."): dout * _relu(x),
        say("where x < 0 the gradient is 0: you let dout through everywhere. (If your cache holds ReLU's "
            "output, remember that it is >= 0 everywhere: a test out >= 0 is always true.)"): dout,
    }


def _leaky_relu_forward_mistakes(x, alpha):
    mistakes = {say("for x < 0 Leaky ReLU returns alpha * x, not 0 (that is ReLU)."): _relu(x)}
    if alpha != 0.01:
        mistakes[say("use the argument alpha, not a fixed slope of 0.01.")] = ref.leaky_relu_forward(x, 0.01)[0]
    return mistakes


def _leaky_relu_backward_mistakes(x, dout, alpha):
    mistakes = {
        say("for x < 0 the slope is alpha, not 0 (that is ReLU's derivative)."): _dx("relu", x, dout),
        say("at x = 0 exactly use the slope of the left side, alpha, as PyTorch does: "
            "test x > 0, not x >= 0."): _kink_on_the_right(x, dout, _dx("leaky_relu", x, dout, alpha)),
        say("at x = 0 exactly use the slope of the left side, alpha, as PyTorch does; you gave slope 0 there "
            "(x = 0 fell in neither of your two cases)."): _kink_zero(x, _dx("leaky_relu", x, dout, alpha)),
        say("multiply the local slope by the upstream gradient dout (chain rule)."):
            _dx("leaky_relu", x, np.ones_like(x), alpha),
    }
    if alpha != 0.01:
        mistakes[say("keep alpha in the cache and use it; the slope is not a fixed 0.01.")] = _dx(
            "leaky_relu", x, dout, 0.01)
    return mistakes


def _elu_forward_mistakes(x, alpha):
    want = ref.elu_forward(x, alpha)[0]
    mistakes = {
        say("for x <= 0 ELU is alpha * (exp(x) - 1): subtract the 1."): np.where(x > 0, want, want + alpha),
        say("for x < 0 ELU is alpha * (exp(x) - 1), not 0 (that is ReLU)."): _relu(x),
    }
    if alpha != 1.0:
        mistakes[say("multiply exp(x) - 1 by alpha.")] = ref.elu_forward(x, 1.0)[0]
    return mistakes


def _elu_backward_mistakes(x, dout, alpha):
    mistakes = {
        say("for x <= 0 the derivative of alpha * (exp(x) - 1) is alpha * exp(x); you used the "
            "function itself, alpha * exp(x) - alpha."): dout * np.where(x > 0, 1.0, alpha * np.expm1(x)),
        say("at x = 0 exactly use the slope of the left side, alpha * exp(0) = alpha, as PyTorch "
            "does: test x > 0, not x >= 0."): _kink_on_the_right(x, dout, _dx("elu", x, dout, alpha)),
        say("at x = 0 exactly use the slope of the left side, alpha * exp(0) = alpha, as PyTorch does; you gave "
            "slope 0 there (x = 0 fell in neither of your two cases)."): _kink_zero(x, _dx("elu", x, dout, alpha)),
        say(CHAIN_RULE_HINT): _dx("elu", x, np.ones_like(x), alpha),
    }
    if alpha != 1.0:
        mistakes[say("for x <= 0 the derivative is alpha * exp(x): keep alpha in the cache.")] = _dx(
            "elu", x, dout, 1.0)
    return mistakes


# --- the checks ------------------------------------------------------------------------

def check_sigmoid_forward(sigmoid_forward, seed=0, shape=(4, 5)):
    """sigmoid_forward(x) -> (1 / (1 + exp(-x)), cache), elementwise, with |x| up to 1e3."""
    x, _ = _inputs(seed, shape)
    _forward_case(sigmoid_forward, "sigmoid", x, None, _sigmoid_forward_mistakes)
    ok(say("sigmoid_forward matches the references on a {shape} array", shape=_shape_text(shape)))


def check_sigmoid_backward(sigmoid_backward, sigmoid_forward, seed=0, shape=(4, 5)):
    """sigmoid_backward(dout, cache) -> dout * s * (1 - s), with the cache of sigmoid_forward."""
    x, dout = _inputs(seed, shape)
    _backward_case(sigmoid_backward, sigmoid_forward, "sigmoid", x, dout, None, _sigmoid_backward_mistakes)
    ok(say("sigmoid_backward matches NumPy and PyTorch autograd on a {shape} array", shape=_shape_text(shape)))


def check_tanh_forward(tanh_forward, seed=0, shape=(4, 5)):
    """tanh_forward(x) -> (tanh(x), cache), elementwise, with |x| up to 1e3."""
    x, _ = _inputs(seed, shape)
    _forward_case(tanh_forward, "tanh", x, None, _tanh_forward_mistakes)
    ok(say("tanh_forward matches the references on a {shape} array", shape=_shape_text(shape)))


def check_tanh_backward(tanh_backward, tanh_forward, seed=0, shape=(4, 5)):
    """tanh_backward(dout, cache) -> dout * (1 - tanh(x)^2), with the cache of tanh_forward."""
    x, dout = _inputs(seed, shape)
    _backward_case(tanh_backward, tanh_forward, "tanh", x, dout, None, _tanh_backward_mistakes)
    ok(say("tanh_backward matches NumPy and PyTorch autograd on a {shape} array", shape=_shape_text(shape)))


def check_relu_forward(relu_forward, seed=0, shape=(4, 5)):
    """relu_forward(x) -> (max(0, x), cache), without changing x."""
    x, _ = _inputs(seed, shape)
    _forward_case(relu_forward, "relu", x, None, _relu_forward_mistakes)
    ok(say("relu_forward matches the references on a {shape} array", shape=_shape_text(shape)))


def check_relu_backward(relu_backward, relu_forward, seed=0, shape=(4, 5)):
    """relu_backward(dout, cache) -> dout where x > 0, else 0 (0 at x == 0)."""
    x, dout = _inputs(seed, shape)
    _backward_case(relu_backward, relu_forward, "relu", x, dout, None, _relu_backward_mistakes)
    ok(say("relu_backward matches NumPy and PyTorch autograd on a {shape} array (x = 0 included)",
           shape=_shape_text(shape)))


def check_leaky_relu_forward(leaky_relu_forward, seed=0, shape=(4, 5), alpha=0.2):
    """leaky_relu_forward(x) with the default alpha = 0.01, and leaky_relu_forward(x, alpha)."""
    x, _ = _inputs(seed, shape)
    for a in (None, alpha):
        _forward_case(leaky_relu_forward, "leaky_relu", x, a, _leaky_relu_forward_mistakes)
    ok(say("leaky_relu_forward matches the references for alpha = 0.01 (default) and {alpha}", alpha=alpha))


def check_leaky_relu_backward(leaky_relu_backward, leaky_relu_forward, seed=0, shape=(4, 5), alpha=0.2):
    """leaky_relu_backward(dout, cache) -> dout * (1 if x > 0 else alpha), default and given alpha."""
    x, dout = _inputs(seed, shape)
    for a in (None, alpha):
        _backward_case(leaky_relu_backward, leaky_relu_forward, "leaky_relu", x, dout, a,
                       _leaky_relu_backward_mistakes)
    ok(say("leaky_relu_backward matches NumPy and PyTorch autograd for alpha = 0.01 (default) and {alpha}",
           alpha=alpha))


def check_elu_forward(elu_forward, seed=0, shape=(4, 5), alpha=0.5):
    """elu_forward(x) with the default alpha = 1, and elu_forward(x, alpha)."""
    x, _ = _inputs(seed, shape)
    for a in (None, alpha):
        _forward_case(elu_forward, "elu", x, a, _elu_forward_mistakes)
    ok(say("elu_forward matches the references for alpha = 1 (default) and {alpha}", alpha=alpha))


def check_elu_backward(elu_backward, elu_forward, seed=0, shape=(4, 5), alpha=0.5):
    """elu_backward(dout, cache) -> dout * (1 if x > 0 else alpha * exp(x)), default and given alpha."""
    x, dout = _inputs(seed, shape)
    for a in (None, alpha):
        _backward_case(elu_backward, elu_forward, "elu", x, dout, a, _elu_backward_mistakes)
    ok(say("elu_backward matches NumPy and PyTorch autograd for alpha = 1 (default) and {alpha}", alpha=alpha))


# --- gradient norms per layer --------------------------------------------------------

def _network(seed, sizes, n):
    """(X, Y, params) for a check: init_params weights, small random biases (so a lost bias shows)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, sizes[0]))
    Y = rng.normal(size=(n, sizes[-1]))
    params = [(W, rng.normal(scale=0.1, size=b.shape)) for W, b in init_params(list(sizes), seed=seed)]
    return X, Y, params


def _norms_without_slope(X, Y, params, activation):
    """The norms when the backward pass skips f'(z): autograd (float64, CPU) through an activation
    that has f's value and the identity's gradient."""
    from autograder.ref_torch import vanishing as torch_vanishing
    from autograder.ref_torch.activations import FUNCTIONS
    from autograder.ref_torch._util import numpy

    f = FUNCTIONS[activation]
    grads = torch_vanishing.mlp_grads(X, Y, params, lambda z: z + (f(z) - z).detach(), device="cpu")
    return np.array([np.linalg.norm(numpy(dW)) for dW, _ in grads])


def _grad_norms_per_layer_mistakes(X, Y, params, activation):
    """{hint: the norms a known mistake gives}."""
    norms = ref_vanishing.grad_norms_per_layer(X, Y, params, activation)
    n_out = params[-1][0].shape[1]
    identity = [(np.eye(n_out), np.zeros(n_out))]  # a^L = f(z^L) is the same net with one more linear layer
    grads = ref_vanishing.mlp_grads(X, Y, params, activation)
    return {
        say("return the norms in layer order, first layer first (backpropagation finds them last to first)."):
            norms[::-1],
        say("C is the MEAN of (a^L - Y)^2 over all N * n_L entries, so dC/da^L = 2 (a^L - Y) / (N * n_L)."):
            norms * Y.size,
        say("average over all N * n_L entries, not only over the N rows: dC/da^L = 2 (a^L - Y) / (N * n_L)."):
            norms * n_out,
        say("the derivative of (a - y)^2 is 2 (a - y): keep the factor 2."): norms / 2,
        say("the Frobenius norm is the square root of the sum of squares (np.linalg.norm(dW))."): norms ** 2,
        say("the output layer is linear: apply the activation to hidden layers only."):
            ref_vanishing.grad_norms_per_layer(X, Y, params + identity, activation)[:-1],
        say("backpropagate through the activation: multiply by f'(z^l) at every hidden layer."):
            _norms_without_slope(X, Y, params, activation),
        say("return the norms of dC/dW^l, not of dC/db^l."): np.array([np.linalg.norm(db) for _, db in grads]),
        say("add the bias b^l in every layer's forward pass."): ref_vanishing.grad_norms_per_layer(
            X, Y, [(W, 0 * b) for W, b in params], activation),
    }


def _last_layer_hint(got, want):
    """A hint when the last layer's norm is right and an earlier one is not: the error is in going back."""
    try:
        g = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return ""
    if g.shape != want.shape or len(want) < 2 or not np.isclose(g[-1], want[-1], **REL):
        return ""
    return say(
        "the last layer's norm is right, so the cost's gradient is; the error is in passing delta back "
        "through the layers: delta^(l-1) = (delta^l (W^l)^T) * f'(z^(l-1)), where f' comes from the backward "
        "pass given the cache of layer l-1's activation, and W^l is the weight of the layer delta^l belongs to.")


def check_grad_norms_per_layer(grad_norms_per_layer, seed=0, activation="sigmoid",
                               sizes=(6, 16, 16, 16, 16, 16, 2), n=12):
    """grad_norms_per_layer(X, Y, params, activation) -> (L,) norms ||dC/dW^l||, first layer first."""
    X, Y, params = _network(seed, sizes, n)
    label = say("grad_norms_per_layer(X, Y, params, {activation!r}) for layer sizes {sizes}",
                activation=activation, sizes=list(sizes))
    got = call(grad_norms_per_layer, label, X=X, Y=Y, params=params, activation=activation)
    with np.errstate(all="ignore"):
        hint = diagnose(got, _grad_norms_per_layer_mistakes(X, Y, params, activation))
    want = ref_vanishing.grad_norms_per_layer(X, Y, params, activation)
    got = assert_close(label, got, want, REL, hint or _last_layer_hint(got, want) or
                       say("Return an array with one number per layer: np.linalg.norm(dW) for each W."))
    import autograder
    from autograder.ref_torch import vanishing as torch_vanishing
    from autograder.ref_torch._util import numpy

    twin = torch_vanishing.grad_norms_per_layer(X, Y, params, activation, device=autograder.device(float64=True))
    assert_close(say("{label} (against PyTorch autograd)", label=label), got, numpy(twin), REL_DEVICE)
    ratio = want[0] / want[-1]
    ok(say("grad_norms_per_layer matches NumPy and PyTorch autograd ({activation}: "
           "first layer / last layer = {ratio:.2g})", activation=activation, ratio=ratio))
