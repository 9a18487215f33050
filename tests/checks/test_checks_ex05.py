"""Every check of exercise 05 passes the reference and fails plausible wrong answers."""

import re

import numpy as np
import pytest

from autograder.checks import ex05_backprop as ex
from autograder.checks.compare import NotImplementedYet
from autograder.ref_numpy import backprop, layers, optim
from autograder.ref_numpy.activations import sigmoid, sigmoid_backward
from autograder.ref_numpy.mlp import init_params, mlp_forward_cache
from helpers.checking import HANGUL, fails, messages_in_both, passes


# ---------------------------------------------------------------- affine_forward

def test_affine_forward_passes_reference(capsys):
    passes(ex.check_affine_forward, layers.affine_forward, capsys=capsys)
    passes(ex.check_affine_forward, layers.affine_forward, capsys=capsys, seed=4, n=1, d=7, m=2)


def _affine_in_place(x, W, b):
    out = x @ W + b
    x[:] = 0.0  # "free" the input
    return out, (x, W)


@pytest.mark.parametrize("wrong,match", [
    (lambda x, W, b: (x @ W, (x, W)), "add the bias"),
    (lambda x, W, b: (x @ W - b, (x, W)), "the affine layer adds the bias"),
    (lambda x, W, b: (W.T @ x.T + b[:, None], (x, W)), r"shape \(3, 4\) but should have shape \(4, 3\)"),
    (lambda x, W, b: (x @ W + b, x), "cache.*tuple of 2 values"),
    (lambda x, W, b: (x @ W + b, (W, x)), r"the cache.s first entry, x,"),
    (lambda x, W, b: x @ W + b, "tuple of 2 values"),
    (_affine_in_place, "changed its argument x in place"),
])
def test_affine_forward_rejects_wrong_answers(wrong, match):
    fails(ex.check_affine_forward, wrong, match=match)


def test_affine_forward_names_transposed_weights_on_square_layers():
    def transposed(x, W, b):
        return x @ W.T + b, (x, W)
    fails(ex.check_affine_forward, transposed, match="do not transpose W", n=4, d=4, m=4)


def test_stub_is_reported_as_not_implemented():
    def stub(x, W, b):
        raise NotImplementedError()
    with pytest.raises(NotImplementedYet, match="not implemented yet"):
        ex.check_affine_forward(stub)


# ---------------------------------------------------------------- affine_backward

def test_affine_backward_passes_reference(capsys):
    passes(ex.check_affine_backward, layers.affine_backward, capsys=capsys)
    passes(ex.check_affine_backward, layers.affine_backward, capsys=capsys, seed=9, n=10, d=2, m=6)


def _backward_with(dx=None, dW=None, db=None):
    def wrong(dout, cache):
        x, W = cache
        return (dx(dout, x, W) if dx else dout @ W.T,
                dW(dout, x, W) if dW else x.T @ dout,
                db(dout, x, W) if db else dout.sum(axis=0))
    return wrong


def _backward_in_place(dout, cache):
    x, W = cache
    db = dout.sum(axis=0)
    dout -= 0.0
    dout *= 2.0
    return dout @ W.T / 2, x.T @ dout / 2, db


@pytest.mark.parametrize("wrong,match", [
    (_backward_with(dW=lambda g, x, W: g.T @ x), r"dW has shape \(3, 5\).*is its transpose"),
    (_backward_with(dW=lambda g, x, W: x.T @ g / len(x)), "do not divide by N"),
    (_backward_with(db=lambda g, x, W: g.sum(axis=1)), r"db has shape \(4,\).*not over axis 1"),
    (_backward_with(db=lambda g, x, W: g.mean(axis=0)), "does not average"),
    (_backward_with(dx=lambda g, x, W: g @ W.T @ W @ W.T), "dx"),
    (_backward_in_place, "changed its argument dout in place"),
    (lambda dout, cache: (dout @ cache[1].T, cache[0].T @ dout), "tuple of 3 values"),
    (_backward_with(db=lambda g, x, W: g.sum()), r"db has shape \(\).*\(M,\) like b"),
])
def test_affine_backward_rejects_wrong_answers(wrong, match):
    fails(ex.check_affine_backward, wrong, match=match)


def test_affine_backward_names_mistakes_of_square_layers():
    fails(ex.check_affine_backward, _backward_with(dx=lambda g, x, W: g @ W),
          match="W must be transposed", n=3, d=3, m=3)
    fails(ex.check_affine_backward, _backward_with(dW=lambda g, x, W: g.T @ x), match="is its transpose", n=3, d=3, m=3)
    fails(ex.check_affine_backward, _backward_with(db=lambda g, x, W: g.sum(axis=1)), match="not over axis 1",
          n=3, d=3, m=3)


# ---------------------------------------------------------------- sigmoid_backward

def test_sigmoid_backward_passes_reference(capsys):
    passes(ex.check_sigmoid_backward, sigmoid_backward, capsys=capsys)
    passes(ex.check_sigmoid_backward, sigmoid_backward, capsys=capsys, seed=2, shape=(7,))


def _sigmoid_in_place(dout, cache):
    dout *= cache * (1 - cache)
    return dout


@pytest.mark.parametrize("wrong,match", [
    (lambda dout, s: dout * sigmoid(s) * (1 - sigmoid(s)), "do not apply the sigmoid to it again"),
    (lambda dout, s: s * (1 - s), "upstream gradient dout"),
    (lambda dout, s: dout * s, r"not s\."),
    (lambda dout, s: dout * s * (1 + s), "minus sign"),
    (_sigmoid_in_place, "changed its argument dout in place"),
    (lambda dout, s: (dout * s * (1 - s)).tolist(), "should be a NumPy array"),
])
def test_sigmoid_backward_rejects_wrong_answers(wrong, match):
    fails(ex.check_sigmoid_backward, wrong, match=match)


# ---------------------------------------------------------------- mlp_backward

def test_mlp_backward_passes_reference(capsys):
    passes(ex.check_mlp_backward, backprop.mlp_backward, capsys=capsys)
    passes(ex.check_mlp_backward, backprop.mlp_backward, capsys=capsys, seed=5, sizes=(3, 3, 3, 3), n=3,
           one_hot_targets=True)
    passes(ex.check_mlp_backward, backprop.mlp_backward, capsys=capsys, seed=6, sizes=(2, 1), n=1)


def _backprop(params, cache, Y, scale=None, prime_of="a", out_prime=True, transpose=False, db_axis=0,
              reverse=False):
    """A student's backward pass with switches for the usual mistakes."""
    zs, acts = cache
    n = len(Y)

    def prime(l):
        return acts[l] * (1 - acts[l]) if prime_of == "a" else zs[l - 1] * (1 - zs[l - 1])
    delta = (acts[-1] - Y) * (1 / n if scale is None else scale)
    delta = delta * prime(len(params)) if out_prime else delta
    grads = []
    for l in range(len(params), 0, -1):
        dW = delta.T @ acts[l - 1] if transpose else acts[l - 1].T @ delta
        grads.append((dW, delta.sum(axis=db_axis)))
        if l > 1:
            delta = (delta @ params[l - 1][0].T) * prime(l - 1)
    return grads if reverse else grads[::-1]


@pytest.mark.parametrize("switch,match", [
    (dict(scale=1.0), "without the 1/N"),
    (dict(scale=2.0 / 18), r"not the 2 \(A - Y\) / \(N n_L\)"),
    (dict(prime_of="z"), r"you used z \(1 - z\)"),
    (dict(out_prime=False), "equation 1 needs sigma'"),
    (dict(transpose=True), r"dW2 has shape \(3, 4\) but should have shape \(4, 3\)"),
    (dict(db_axis=1), r"db2 has shape \(6,\).*Delta\^l summed over the batch"),
    (dict(reverse=True), r"shape.*layer order"),
])
def test_mlp_backward_rejects_wrong_answers(switch, match):
    fails(ex.check_mlp_backward, lambda p, c, Y: _backprop(p, c, Y, **switch), match=match)


def test_mlp_backward_names_transposed_weights_on_square_layers():
    fails(ex.check_mlp_backward, lambda p, c, Y: _backprop(p, c, Y, transpose=True), match="is its transpose",
          sizes=(4, 4, 4), n=5)


def test_mlp_backward_wants_one_pair_per_layer():
    fails(ex.check_mlp_backward, lambda p, c, Y: _backprop(p, c, Y)[1:], match="list of 2 pairs")
    fails(ex.check_mlp_backward, lambda p, c, Y: {"dW1": 0}, match="list of 2 pairs")


# ---------------------------------------------------------------- numerical_gradient

def test_numerical_gradient_passes_reference(capsys):
    passes(ex.check_numerical_gradient, backprop.numerical_gradient, capsys=capsys)
    passes(ex.check_numerical_gradient, backprop.numerical_gradient, capsys=capsys, seed=8)


def _forward_diff(f, x, h=1e-5):
    grad, f0 = np.zeros_like(x), f(x)
    for i in range(x.size):
        x_plus = x.copy()
        x_plus.flat[i] += h
        grad.flat[i] = (f(x_plus) - f0) / h
    return grad


def _fixed_h(f, x, h=1e-5):
    return backprop.numerical_gradient(f, x, 1e-5)


def _over_h(f, x, h=1e-5):
    return 2 * backprop.numerical_gradient(f, x, h)


def _leaves_x_shifted(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in range(x.size):
        x.flat[i] += h
        f_plus = f(x)
        x.flat[i] -= 2 * h
        f_minus = f(x)
        x.flat[i] += h + 1e-3  # a sloppy restore
        grad.flat[i] = (f_plus - f_minus) / (2 * h)
    return grad


def _flat_only(f, x, h=1e-5):
    return backprop.numerical_gradient(f, x, h).ravel()


@pytest.mark.parametrize("wrong,match", [
    (_forward_diff, "use central differences"),
    (_fixed_h, "use the step h you are given"),
    (_over_h, "divide by 2h"),
    (_leaves_x_shifted, "changed its argument x in place"),
    (_flat_only, r"shape \(6,\) but should have shape \(3, 2\)"),
])
def test_numerical_gradient_rejects_wrong_answers(wrong, match):
    fails(ex.check_numerical_gradient, wrong, match=match)


def test_numerical_gradient_may_restore_x_exactly(capsys):
    def restores(f, x, h=1e-5):
        grad = np.zeros_like(x)
        for i in range(x.size):
            old = x.flat[i]
            x.flat[i] = old + h
            f_plus = f(x)
            x.flat[i] = old - h
            f_minus = f(x)
            x.flat[i] = old
            grad.flat[i] = (f_plus - f_minus) / (2 * h)
        return grad
    passes(ex.check_numerical_gradient, restores, capsys=capsys)


# ---------------------------------------------------------------- sgd_step

def test_sgd_step_passes_reference(capsys):
    passes(ex.check_sgd_step, optim.sgd_step, capsys=capsys)
    passes(ex.check_sgd_step, optim.sgd_step, capsys=capsys, seed=3, lr=2.5)


def _sgd_in_place(w, dw, state, lr):
    w -= lr * dw
    return w, state


@pytest.mark.parametrize("wrong,match", [
    (lambda w, dw, state, lr: (w + lr * dw, state), "steps against the gradient"),
    (lambda w, dw, state, lr: (w - dw, state), "multiply the gradient by the learning rate"),
    (lambda w, dw, state, lr: (-lr * dw, state), "not only the step"),
    (_sgd_in_place, "changed its argument w in place"),
    (lambda w, dw, state, lr: w - lr * dw, "tuple of 2 values"),
    (lambda w, dw, state, lr: (w - lr * dw, {}), "plain SGD keeps no state"),
])
def test_sgd_step_rejects_wrong_answers(wrong, match):
    fails(ex.check_sgd_step, wrong, match=match)


def test_a_named_mistake_reads_in_korean_with_the_same_numbers():
    """w + lr * dw: the Korean message names the same mistake, with the same label numbers, entry and values."""
    def ascent(w, dw, state, lr):
        return w + lr * dw, state
    english, korean = messages_in_both(lambda: ex.check_sgd_step(ascent, lr=0.25))
    assert "steps against the gradient" in english and not HANGUL.search(english)
    assert "기울기의 반대 방향으로 나아갑니다" in korean and "against the gradient" not in korean
    numbers = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?|\[\d+, \d+\]|\(\d+, \d+\)")
    assert "lr=0.25" in english and "lr=0.25" in korean
    assert numbers.findall(english) and set(numbers.findall(english)) == set(numbers.findall(korean))


def test_a_raising_backward_pass_gets_a_shape_hint():
    def untransposed(params, cache, Y):
        zs, acts = cache
        delta = (acts[-1] - Y) / len(Y) * acts[-1] * (1 - acts[-1])
        grads = []
        for l in range(len(params), 0, -1):
            grads.append((acts[l - 1].T @ delta, delta.sum(axis=0)))
            if l > 1:
                delta = (delta @ params[l - 1][0]) * acts[l - 1] * (1 - acts[l - 1])  # W not transposed
        return grads[::-1]
    fails(ex.check_mlp_backward, untransposed, match=r"raised ValueError.*Hint: Check the shapes.*W\^\(l\+1\)\.T")
    fails(ex.check_affine_backward, lambda dout, cache: (dout @ cache[1], cache[0].T @ dout, dout.sum(0)),
          match=r"raised ValueError.*let the shapes")


def test_affine_forward_with_transposed_weights_gets_a_hint_on_rectangular_layers():
    fails(ex.check_affine_forward, lambda x, W, b: (x @ W.T + b, (x, W)),
          match=r"raised ValueError.*no transpose is needed")


# ---------------------------------------------------------------- softmax cross-entropy

def _ce_naive(z, Y):
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return float(-np.mean(np.sum(Y * np.log(p), axis=1))), (p - Y) / len(z)


def test_softmax_cross_entropy_passes_reference(capsys):
    passes(ex.check_softmax_cross_entropy, backprop.softmax_cross_entropy, capsys=capsys)
    passes(ex.check_softmax_cross_entropy, backprop.softmax_cross_entropy, capsys=capsys, seed=5, n=1, c=10)


@pytest.mark.parametrize("wrong,match", [
    (lambda z, Y: (backprop.softmax_cross_entropy(z, Y)[0], backprop.softmax_cross_entropy(z, Y)[1] * len(z)),
     "carries a factor 1/N"),
    (lambda z, Y: (backprop.softmax_cross_entropy(z, Y)[0], backprop.softmax_cross_entropy(z, Y)[1] + Y / len(z)),
     "prediction MINUS target"),
    (lambda z, Y: (backprop.softmax_cross_entropy(z, Y)[0], -backprop.softmax_cross_entropy(z, Y)[1]),
     "check the sign"),
    (lambda z, Y: (backprop.softmax_cross_entropy(z, Y)[0] * len(z), backprop.softmax_cross_entropy(z, Y)[1]),
     "average the loss"),
    (_ce_naive, "subtract each row's largest logit"),
    (lambda z, Y: backprop.softmax_cross_entropy(z, Y)[1], "tuple of 2 values"),
])
def test_softmax_cross_entropy_rejects_wrong_answers(wrong, match):
    with np.errstate(all="ignore"):
        fails(ex.check_softmax_cross_entropy, wrong, match=match)


# ---------------------------------------------------------------- train_mlp

def _variant_train(X, Y, sizes, lr, epochs, seed, n_scale=True, minus_y=True, update_bias=True,
                   lr_factor=1.0, init_seed=None, loss_after=False):
    """A student's full-batch training with switches for the usual mistakes: (params, losses).

    (The checks compute these mistakes without such a generator: switched off, it is the answer.)
    """
    params = init_params(list(sizes), seed if init_seed is None else init_seed)
    n, losses = X.shape[0], []
    for _ in range(epochs):
        _, cache = mlp_forward_cache(X, params)
        loss, dz = backprop.softmax_cross_entropy(cache[0][-1], Y)
        dz = dz if minus_y else dz + Y / n
        dz = dz if n_scale else dz * n
        grads = _grads_from(params, cache, dz)
        step = lr * lr_factor
        params = [(W - step * dW, b - step * db if update_bias else b) for (W, b), (dW, db) in zip(params, grads)]
        if loss_after:
            loss = backprop.softmax_cross_entropy(mlp_forward_cache(X, params)[1][0][-1], Y)[0]
        losses.append(loss)
    return params, np.array(losses)


def _grads_from(params, cache, delta):
    """BP2-BP4 from a given output error Delta^L (sigmoid hidden layers)."""
    acts, grads = cache[1], []
    for l in range(len(params) - 1, -1, -1):
        grads.append((acts[l].T @ delta, delta.sum(axis=0)))
        if l > 0:
            delta = (delta @ params[l][0].T) * acts[l] * (1.0 - acts[l])
    return grads[::-1]


def _train(**mistake):
    def train_mlp(X, Y, sizes, lr, epochs, seed):
        return _variant_train(X, Y, sizes, lr, epochs, seed, **mistake)
    return train_mlp


def test_train_mlp_passes_reference(capsys):
    from autograder.ref_numpy import train
    passes(ex.check_train_mlp, train.train_full_batch, capsys=capsys)
    passes(ex.check_train_mlp, train.train_full_batch, capsys=capsys, seed=3, sizes=(5, 8, 8, 4), n=50, lr=1.0,
           epochs=40, init_seed=0)
    passes(ex.check_train_mlp, _train(), capsys=capsys)  # the mistake-free variant is the reference


@pytest.mark.parametrize("mistake,match", [
    (dict(n_scale=False), "without the 1/N"),
    (dict(minus_y=False), "the target is missing"),
    (dict(update_bias=False), "update each bias"),
    (dict(init_seed=0), "with the seed you are given"),
    (dict(lr_factor=0.5), "applied twice"),
    (dict(loss_after=True), "BEFORE step i"),
])
def test_train_mlp_names_each_mistake(mistake, match):
    fails(ex.check_train_mlp, _train(**mistake), match=match)


def test_train_mlp_wrong_seed_is_found_with_seed_zero_too():
    fails(ex.check_train_mlp, _train(init_seed=1), match="with the seed you are given", init_seed=0)


def test_train_mlp_that_forgets_to_return_params():
    from autograder.ref_numpy import train

    def only_losses(X, Y, sizes, lr, epochs, seed):
        params, losses = train.train_full_batch(X, Y, sizes, lr, epochs, seed)
        return params[:1], losses
    fails(ex.check_train_mlp, only_losses, match="list of 2 pairs")


def test_the_notebooks_init_params_is_the_reference_initializer(root):
    """The helper that train_mlp must call draws exactly the weights the check trains from."""
    import nbformat

    from autograder.ref_numpy.mlp import init_params

    for folder in ("solutions", "exercises"):
        nb = nbformat.read(root / folder / "05_backprop" / "05_backprop.ipynb", as_version=4)
        cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "helpers")
        namespace = {"np": np}
        exec(cell.source, namespace)
        for sizes, seed in [([4, 6, 3], 7), ([5, 8, 8, 4], 0), ([3, 2], 123)]:
            for (W, b), (W0, b0) in zip(namespace["init_params"](sizes, seed), init_params(sizes, seed)):
                np.testing.assert_array_equal(W, W0)
                np.testing.assert_array_equal(b, b0)


# ---------------------------------------------------------------- mistakes found by trying the notebook

def _mean_db(params, cache, Y):
    return [(dW, db / Y.shape[0]) for dW, db in backprop.mlp_backward(params, cache, Y)]


def test_mlp_backward_names_an_averaged_db():
    fails(ex.check_mlp_backward, _mean_db, match=r"db2: .*db\^l SUMS Delta\^l over the batch")


def _sgd_plus(w, dw, state, lr):
    return w + lr * dw, state


def test_sgd_step_label_reads_as_a_sentence():
    fails(ex.check_sgd_step, _sgd_plus, match=r"^next_w \(the first value returned by sgd_step\(w, dw, state, lr=0.1\)")


def _ce_mean_over_entries(z, Y):
    loss, dz = backprop.softmax_cross_entropy(z, Y)
    return loss / z.shape[1], dz


def test_softmax_cross_entropy_names_a_mean_over_all_entries():
    fails(ex.check_softmax_cross_entropy, _ce_mean_over_entries, match="not over all N \\* C entries")


def _nudges_x_in_place(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += h
        fp = f(x)
        x[i] -= 2 * h
        fm = f(x)
        x[i] += h
        grad[i] = (fp - fm) / (2 * h)
    return grad


def test_numerical_gradient_that_leaves_rounding_in_x_shows_the_digits():
    """+h, -2h, +h leaves x off in its last digits: the message shows digits that differ."""
    with pytest.raises(AssertionError) as info:
        ex.check_numerical_gradient(_nudges_x_in_place)
    text = str(info.value)
    assert "changed its argument x in place" in text and "work on a copy" in text
    before, after = text.split(" went from ")[1].split(" (")[0].split(" to ")
    assert before != after


def test_sgd_step_with_a_state_made_up_is_a_message_not_a_traceback():
    from autograder.checks.compare import CheckFailed
    with pytest.raises(CheckFailed, match="should be the state it was given"):
        ex.check_sgd_step(lambda w, dw, state, lr: (w - lr * dw, {}))
