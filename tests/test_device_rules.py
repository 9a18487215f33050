"""The device rules (issue 18.6): a student's verdict does not depend on the machine.

Apple's MPS backend has no float64. There is no Mac here, so the tests emulate one on the
CPU: a device that PyTorch calls ``meta`` but whose tensors hold real CPU data (a wrapper
tensor subclass), with MPS's two rules enforced on every operation:

- a float64 tensor on the device raises ``Float64OnDevice`` (a ``TypeError``, as MPS does);
- an operation that mixes the device with CPU tensors (other than 0-d scalars and the
  cross-device ``copy_`` that PyTorch allows) raises ``MixedDevices``.

``autograder`` is told that ``meta`` is the best device and has no float64. Then every
statement of every solution notebook (visible and hidden tests, the reference solutions
as the students' functions) must pass, and every PyTorch twin, forced onto the emulated
device, must run without breaking either rule.
"""

import ast
import contextlib
import io
import traceback
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_map

import autograder
from autograder.checks.compare import CheckFailed

ROOT = Path(__file__).resolve().parents[1]
#: The emulated Mac GPU: PyTorch's data-less ``meta`` device, given data by FakeMPSTensor.
FAKE = torch.device("meta")
#: In-place operations that change a tensor's shape: the wrapper cannot follow them.
RESHAPING_IN_PLACE = ("transpose_", "t_", "squeeze_", "unsqueeze_", "swapdims_", "swapaxes_", "as_strided_",
                      "resize_")


class Float64OnDevice(TypeError):
    """MPS: 'Cannot convert a MPS Tensor to float64 dtype as the MPS framework doesn't support float64'."""


class MixedDevices(RuntimeError):
    """'Expected all tensors to be on the same device'."""


class EmulatorLimit(RuntimeError):
    """Something the emulator cannot follow (not a bug of the code under test)."""


class FakeMPSTensor(torch.Tensor):
    """A CPU tensor (``inner``) that says it lives on the emulated device."""

    @staticmethod
    def __new__(cls, inner):
        out = torch.Tensor._make_wrapper_subclass(cls, inner.shape, strides=inner.stride(),
                                                  storage_offset=inner.storage_offset(), dtype=inner.dtype,
                                                  device=FAKE, requires_grad=inner.requires_grad)
        out.inner = inner
        return out

    def __repr__(self):
        return f"FakeMPSTensor({self.inner!r})"

    @classmethod
    def __torch_dispatch__(cls, func, types, args=(), kwargs=None):
        return _run(func, args, kwargs or {})


def _on_fake(device):
    return device is not None and torch.device(device).type == FAKE.type


def _run(func, args, kwargs):
    """Run ``func`` on the CPU data, enforcing MPS's rules; outputs on the device are wrapped again."""
    fakes, plains = [], []

    def unwrap(x):
        if isinstance(x, FakeMPSTensor):
            fakes.append(x)
            return x.inner
        if isinstance(x, torch.Tensor):
            if x.device.type == FAKE.type:
                raise EmulatorLimit(f"{func}: a data-less meta tensor reached the emulator")
            plains.append(x)
        return x

    args, kwargs = tree_map(unwrap, (args, kwargs))
    to_fake = _on_fake(kwargs.get("device"))
    if to_fake:
        kwargs = dict(kwargs, device=torch.device("cpu"))
    name = func.__name__.split(".")[0]
    to_host = fakes and name == "_to_copy" and "device" in kwargs and not to_fake
    if fakes and not to_host and name != "copy_":  # copy_ between devices is allowed
        mixed = [t for t in plains if t.dim() > 0]
        if mixed:
            raise MixedDevices(f"{func} mixes the emulated MPS device with a {mixed[0].device} tensor "
                               f"of shape {tuple(mixed[0].shape)}")
    if any(t.dtype == torch.float64 for t in fakes):
        raise Float64OnDevice(f"{func}: a float64 tensor on the emulated MPS device")
    out = func(*args, **kwargs)
    if to_host or not (fakes or to_fake):
        return out
    for wrapper in fakes:  # an in-place op returns its input: give back the same wrapper
        if out is wrapper.inner:
            if name in RESHAPING_IN_PLACE:
                raise EmulatorLimit(f"{func} reshapes a tensor in place")
            return wrapper

    def wrap(x):
        if isinstance(x, torch.Tensor) and not isinstance(x, FakeMPSTensor):
            if x.dtype == torch.float64:
                raise Float64OnDevice(f"{func} made a float64 tensor on the emulated MPS device")
            return FakeMPSTensor(x)
        return x

    return tree_map(wrap, out)


class _Dispatch(TorchDispatchMode):
    """Every aten operation, factories included (torch.zeros(..., device=FAKE))."""

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        return _run(func, args, kwargs or {})


class _Factories(TorchFunctionMode):
    """torch.tensor / torch.as_tensor with device=FAKE bypass the dispatcher: made on the CPU, then moved."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func in (torch.tensor, torch.as_tensor) and _on_fake(kwargs.get("device")):
            return func(*args, **dict(kwargs, device="cpu")).to(FAKE)
        return func(*args, **kwargs)


@pytest.fixture
def mac(monkeypatch):
    """A machine whose best device is the emulated MPS (no float64, no mixing); DLCOURSE_DEVICE unset."""
    monkeypatch.delenv(autograder.ENV_DEVICE, raising=False)
    monkeypatch.setattr(autograder, "_best", lambda torch_module: FAKE)
    monkeypatch.setattr(autograder, "NO_FLOAT64", set(autograder.NO_FLOAT64) | {FAKE.type})
    with _Factories(), _Dispatch():
        yield


# --- the helpers ------------------------------------------------------------------------------

def test_mps_has_no_float64_and_the_others_do():
    assert not autograder.has_float64("mps") and not autograder.has_float64(torch.device("mps", 0))
    assert autograder.has_float64("cpu") and autograder.has_float64("cuda:1")
    assert autograder.float_dtype("mps") == torch.float32
    assert autograder.float_dtype("cpu") == torch.float64
    assert autograder.float_dtype("mps", torch.float16) == torch.float16


def test_checks_use_the_cpu_where_the_best_device_lacks_float64(monkeypatch):
    monkeypatch.delenv(autograder.ENV_DEVICE, raising=False)
    monkeypatch.setattr(autograder, "_best", lambda torch_module: torch.device("mps"))
    assert autograder.device() == torch.device("mps")  # the chapters may still use the GPU
    assert autograder.device(float64=True) == torch.device("cpu")
    monkeypatch.setattr(autograder, "_best", lambda torch_module: torch.device("cuda"))
    assert autograder.device(float64=True) == torch.device("cuda")  # float64 there: no reason to leave


def test_the_environment_forces_a_device(monkeypatch):
    monkeypatch.setattr(autograder, "_best", lambda torch_module: torch.device("mps"))
    monkeypatch.setenv(autograder.ENV_DEVICE, "cpu")
    assert autograder.device() == torch.device("cpu")
    monkeypatch.setenv(autograder.ENV_DEVICE, "gpu please")
    with pytest.raises(ValueError, match="DLCOURSE_DEVICE='gpu please' is not a torch device"):
        autograder.device()
    if not torch.cuda.is_available():
        monkeypatch.setenv(autograder.ENV_DEVICE, "cuda")
        with pytest.raises(ValueError, match="no usable cuda device"):
            autograder.device()


def test_twins_take_flipped_arrays():
    """A kernel flipped along an axis of length 1 has a negative stride that NumPy still calls
    contiguous; torch refuses it unless the twin copies (the student kit's ex10 check failed so)."""
    from autograder.ref_torch._util import tensor

    flipped = np.arange(6.0).reshape(2, 3, 1, 1)[:, :, ::-1, ::-1]
    assert flipped.flags.c_contiguous and min(flipped.strides) < 0
    np.testing.assert_array_equal(tensor(flipped, "cpu").numpy(), flipped)


# --- the emulator catches what a Mac would refuse ---------------------------------------------

def test_emulator_refuses_float64_and_mixing_and_computes_float32(mac):
    with pytest.raises(Float64OnDevice):
        torch.ones(3, dtype=torch.float64, device=FAKE)
    with pytest.raises(Float64OnDevice):
        torch.as_tensor(np.ones(3), device=FAKE)  # NumPy's float64 kept
    with pytest.raises(Float64OnDevice):
        torch.ones(3, device=FAKE).double()
    x = torch.as_tensor(np.arange(6.0).reshape(2, 3), dtype=torch.float32, device=FAKE)
    with pytest.raises(MixedDevices):
        x + torch.ones(2, 3)
    w = torch.ones(3, device=FAKE, requires_grad=True)
    (grad,) = torch.autograd.grad((x @ w).sum(), w)
    assert x.device.type == FAKE.type and grad.device.type == FAKE.type
    np.testing.assert_array_equal(grad.cpu().numpy(), [3.0, 5.0, 7.0])
    assert (x * torch.tensor(2.0)).sum().item() == 30.0  # a 0-d CPU tensor is a scalar: allowed


# --- every check, with the reference solutions, on the emulated Mac ---------------------------

def _statements(cell):
    """A test cell statement by statement (one failing hidden call does not hide the next); others whole."""
    meta = cell.metadata.get("nbgrader", {})
    if meta.get("grade") and not meta.get("solution"):
        return [ast.unparse(node) for node in ast.parse(cell.source).body]
    return [cell.source]


@pytest.fixture(autouse=True)
def without_twin_memo(monkeypatch):
    """The checks' memo of twin results (autograder/checks/memo.py, where there is one) switched
    off: a result remembered on one (emulated) machine must not answer a call on another, and the
    twins must run here to show what they do on the device."""
    import importlib.util

    if importlib.util.find_spec("autograder.checks.memo") is not None:
        from autograder.checks import memo

        memo.clear()
        monkeypatch.setattr(memo, "memoized", lambda module: module)
    yield


def _run_solutions(names=None):
    """Every code statement of the solution notebooks (``names``: their folders; all by default)
    -> [(notebook, grade_id, statement, exception)]."""
    return _run_notebooks(names)


def _run_notebooks(names):
    results = []
    for path in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        if names and path.parent.name not in names:
            continue
        namespace = {"__name__": "__solution__"}
        for cell in nbformat.read(path, 4).cells:
            if cell.cell_type != "code":
                continue
            for source in _statements(cell):
                with contextlib.redirect_stdout(io.StringIO()):
                    try:
                        exec(compile(source, f"{path.name}", "exec"), namespace)
                        error = None
                    except Exception as exc:  # noqa: BLE001 - every error of a cell is a finding to report
                        error = exc
                results.append((path.stem, cell.metadata.get("nbgrader", {}).get("grade_id"), source, error))
    return results


def _report(rows):
    return "\n".join(f"{nb} {gid}: {src.splitlines()[0][:70]} -> {type(e).__name__}: {str(e).splitlines()[0][:200]}"
                     for nb, gid, src, e in rows)


def test_every_check_passes_the_references_on_a_mac(mac):
    results = _run_solutions()
    failed = [r for r in results if r[3] is not None]
    assert len(results) > 300
    assert not failed, _report(failed)


def test_checks_that_ran_twins_on_the_mac_gave_other_verdicts(mac, monkeypatch):
    """Two-sided: with the twins of the checks on the best device (the old rule), a Mac failed
    the reference itself (float64 tensors of ex03's checks, float32 softmax at logits of 1e4)."""
    monkeypatch.setattr(autograder, "device", lambda float64=False: FAKE)
    failed = {(nb, gid, type(e).__name__) for nb, gid, _, e in _run_solutions(["03_forward_mnist", "04_softmax_losses"])
              if e is not None}
    assert ("03_forward_mnist", "test_flatten", "Float64OnDevice") in failed
    assert ("03_forward_mnist", "test_mse", "Float64OnDevice") in failed
    assert ("04_softmax_losses", "test_softmax", "CheckFailed") in failed


def test_every_twin_keeps_the_mps_rules(mac, monkeypatch):
    """Every PyTorch twin the checks call, forced onto the emulated Mac GPU (as the chapters use
    them there): float32 instead of float64, nothing left on the CPU. A check may then fail on
    float32 precision (a CheckFailed: that is why checks run their twins on a float64 device);
    the twin must not break a rule."""
    called = _watch_twins(monkeypatch, forced=lambda device=None: FAKE)
    results = _run_solutions()
    broken = [r for r in results if isinstance(r[3], (Float64OnDevice, MixedDevices))]
    assert not broken, _report(broken)
    other = [r for r in results if r[3] is not None and not isinstance(r[3], (CheckFailed, EmulatorLimit))]
    assert not other, _report(other) + "\n" + "".join(traceback.format_exception(other[0][3]))
    assert sum(r[3] is None for r in results) > 300  # most checks even pass in float32

    # the twins that only the chapters call; then every public twin has run on the device
    calls = _chapter_calls()
    errors = {}
    for name, thunk in calls.items():
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                thunk()
            except EmulatorLimit:
                pass
            except RuntimeError as exc:
                if "META device type not an accelerator" not in str(exc):  # torch.Generator(device=...)
                    errors[name] = exc
            except Exception as exc:  # noqa: BLE001 - every error of a check is a finding to report
                errors[name] = exc
    assert not errors, "\n".join(f"{k}: {type(e).__name__}: {e}" for k, e in errors.items())
    missing = _public_twins() - called
    assert not missing, ("twins that no test runs on the emulated device (add them to _chapter_calls): "
                         f"{sorted(missing)}")


def _public_twins():
    import importlib
    import inspect
    import pkgutil

    import autograder.ref_torch as ref_torch

    names = set()
    for info in pkgutil.iter_modules(ref_torch.__path__):
        module = importlib.import_module(f"autograder.ref_torch.{info.name}")
        names |= {f"{info.name}.{n}" for n, fn in vars(module).items()
                  if inspect.isfunction(fn) and fn.__module__ == module.__name__ and not n.startswith("_")}
    return names


def _watch_twins(monkeypatch, forced):
    """Wrap every public function of every ref_torch module, and make every twin resolve its device
    with ``forced`` (each module holds its own ``pick``); return the set of names called."""
    import importlib
    import inspect
    import pkgutil

    import autograder.ref_torch as ref_torch
    from autograder.ref_torch import _util

    called = set()
    # Import every module before patching: a module first imported after _util.pick is patched
    # binds the forced pick, which monkeypatch would then "restore" to the forced one (the meta
    # device leaked into every later test of the worker: test_ref_lstm's training on 'meta').
    modules = {info.name: importlib.import_module(f"autograder.ref_torch.{info.name}")
               for info in pkgutil.iter_modules(ref_torch.__path__)}
    monkeypatch.setattr(_util, "pick", forced)
    for info_name, module in modules.items():
        if getattr(module, "pick", None) is not None:
            monkeypatch.setattr(module, "pick", forced)
        for name, fn in list(vars(module).items()):
            if inspect.isfunction(fn) and fn.__module__ == module.__name__ and not name.startswith("_"):
                def watched(*args, _fn=fn, _key=f"{info_name}.{name}", **kwargs):
                    called.add(_key)
                    return _fn(*args, **kwargs)
                monkeypatch.setattr(module, name, watched)
    return called



def _chapter_calls():
    """Calls of the twins that no check makes (the chapters use them): small inputs -> {name: thunk}."""
    from autograder.ref_numpy import cnn as np_cnn
    from autograder.ref_numpy import gan as np_gan
    from autograder.ref_numpy import lstm as np_lstm
    from autograder.ref_numpy import mlp as np_mlp
    from autograder.ref_numpy import toy2d as np_toy2d
    from autograder.ref_torch import (activations, backprop, cnn, conv, data, gan, init, losses, lstm, memory_task,
                                      metrics, mlp, numpy_caches, optim, regularization, rnn, schedules, sequences,
                                      toy2d, train, vanishing, xor)

    rng = np.random.default_rng(0)
    x, params = rng.normal(size=(5, 4)), np_mlp.init_params([4, 3, 2], 0)
    cache = np_mlp.mlp_forward_cache(x, params)[1]
    Y, labels = np.eye(2)[[0, 1, 1, 0, 1]], np.array([0, 1, 1, 0, 1])
    images, image_labels = rng.normal(size=(4, 1, 28, 28)), np.array([0, 1, 2, 3])
    cnn_params = np_cnn.init_cnn(0)
    seq, h0 = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5))
    Wx, Wh, b = np_lstm.init_lstm(4, 5, 0)
    lstm_cache = np_lstm.lstm_forward(seq, h0, h0, Wx, Wh, b)[1]
    gen, disc = np_gan.init_gan(2, 2, 4, seed=0) if hasattr(np_gan, "init_gan") else (None, None)
    model = train.build_model([4, 3, 2], 0, FAKE)
    sine_x, sine_y = rng.normal(size=(4, 6, 1)), rng.normal(size=(4, 6, 1))
    pool_x = rng.normal(size=(1, 2, 4, 4))
    return {
        "activations.sigmoid": lambda: activations.sigmoid(x, FAKE),
        "backprop.mlp_backward_ce": lambda: backprop.mlp_backward_ce(params, cache, Y, FAKE),
        "backprop.numerical_gradient": lambda: backprop.numerical_gradient(lambda t: (t * t).sum(), x[0], 1e-3, FAKE),
        "cnn.build_model": lambda: cnn.build_model(0, FAKE),
        "cnn.init_cnn": lambda: cnn.init_cnn(0, FAKE),
        "cnn.cnn_forward": lambda: cnn.cnn_forward(images, cnn_params, FAKE),
        "cnn.cnn_backward": lambda: cnn.cnn_backward(rng.normal(size=(4, 10)),
                                                     cnn.cnn_forward(images, cnn_params, FAKE)[1], FAKE),
        "cnn.softmax_cross_entropy": lambda: cnn.softmax_cross_entropy(rng.normal(size=(4, 10)), image_labels, FAKE),
        "cnn.train_cnn": lambda: cnn.train_cnn(images, image_labels, 1, 2, 0.1, val=(images, image_labels),
                                               progress=False, device=FAKE),
        "cnn.params_of": lambda: cnn.params_of(cnn.build_model(0, FAKE)),
        "cnn.evaluate": lambda: cnn.evaluate(cnn.build_model(0, FAKE), torch.zeros(2, 1, 28, 28, device=FAKE),
                                             torch.zeros(2, dtype=torch.long, device=FAKE)),
        "cnn.train_step": lambda: cnn.train_step(*_cnn_step_args(cnn)),
        "conv.avgpool_forward": lambda: conv.avgpool_forward(pool_x, 2, device=FAKE),
        "conv.avgpool_backward": lambda: conv.avgpool_backward(rng.normal(size=(1, 2, 2, 2)),
                                                               conv.avgpool_forward(pool_x, 2, device=FAKE)[1], FAKE),
        "conv.conv_output_size": lambda: conv.conv_output_size(7, 3, 1, 1),
        "data.flatten": lambda: data.flatten(images, FAKE),
        "data.one_hot": lambda: data.one_hot(labels, 3, FAKE),
        "gan.build_mlp": lambda: gan.build_mlp(params, FAKE),
        "gan.train_gan": lambda: gan.train_gan(np_mlp.init_params([2, 4, 2], 0), np_mlp.init_params([2, 4, 1], 1),
                                               np_toy2d.ring_of_gaussians, steps=3, batch=4, lr=0.05, every=2,
                                               n_show=5, device=FAKE),
        "init.init_params": lambda: init.init_params([4, 3, 2], 0, device=FAKE),
        "losses.log_softmax": lambda: losses.log_softmax(x, FAKE),
        "losses.logsumexp": lambda: losses.logsumexp(x, FAKE),
        "lstm.init_lstm": lambda: lstm.init_lstm(4, 5, 0, device=FAKE),
        "lstm.lstm_backward": lambda: lstm.lstm_backward(rng.normal(size=(2, 3, 5)), lstm_cache, FAKE),
        "memory_task.gradient_norm_by_lag": lambda: memory_task.gradient_norm_by_lag(
            "lstm", rng.normal(size=(2, 5, 1)), np_lstm.init_lstm(1, 3, 0), device=FAKE),
        "memory_task.train":
            lambda: memory_task.train("LSTM", 5, iterations=2, hidden=3, batch=4, every=1, device=FAKE),
        "metrics.accuracy": lambda: metrics.accuracy(np.array([[3, 1], [0, 2]]), FAKE),
        "mlp.init_params": lambda: mlp.init_params([4, 3, 2], 0, device=FAKE),
        "mlp.predict": lambda: mlp.predict(x, params, device=FAKE),
        "numpy_caches.batchnorm_forward": lambda: numpy_caches.batchnorm_forward(
            x, np.ones(4), np.zeros(4), np.zeros(4), np.ones(4), device=FAKE),
        "numpy_caches.batchnorm_backward": lambda: numpy_caches.batchnorm_backward(
            x, numpy_caches.batchnorm_forward(x, np.ones(4), np.zeros(4), np.zeros(4), np.ones(4), device=FAKE)[3],
            FAKE),
        "numpy_caches.lstm_forward": lambda: numpy_caches.lstm_forward(seq, h0, h0, Wx, Wh, b, FAKE),
        "numpy_caches.lstm_step_forward": lambda: numpy_caches.lstm_step_forward(seq[:, 0], h0, h0, Wx, Wh, b, FAKE),
        "optim.adagrad_step": lambda: optim.adagrad_step(x, x, None, 0.1, device=FAKE),
        "regularization.l1_penalty": lambda: regularization.l1_penalty(params, 0.1, FAKE),
        "rnn.init_rnn": lambda: rnn.init_rnn(4, 5, 0, device=FAKE),
        "schedules.exponential_lr": lambda: schedules.exponential_lr(3, 0.1, 0.9, FAKE),
        "schedules.linear_warmup_lr": lambda: schedules.linear_warmup_lr(3, 0.1, 5, device=FAKE),
        "schedules.warmup_cosine_lr": lambda: schedules.warmup_cosine_lr(7, 0.1, 5, 20, device=FAKE),
        "sequences.train_regressor": lambda: sequences.train_regressor(sine_x, sine_y, hidden=3, steps=2, device=FAKE),
        "toy2d.ring_centres": lambda: toy2d.ring_centres(device=FAKE),
        "toy2d.ring_of_gaussians": lambda: toy2d.ring_of_gaussians(10, device=FAKE),
        "toy2d.mode_coverage": lambda: toy2d.mode_coverage(np_toy2d.ring_of_gaussians(10), device=FAKE),
        "train.accuracy": lambda: train.accuracy(rng.normal(size=(5, 2)), labels, FAKE),
        "train.evaluate": lambda: train.evaluate(model, torch.zeros(5, 4, device=FAKE),
                                                 torch.as_tensor(labels, device=FAKE)),
        "train.minibatches": lambda: train.minibatches(5, 2, 0, 0, FAKE),
        "train.quadratic_cost":
            lambda: train.quadratic_cost(torch.ones(2, 2, device=FAKE), torch.zeros(2, 2, device=FAKE)),
        "train.train_mlp": lambda: train.train_mlp(x, labels, [4, 3, 2], 1, 2, 0.5, val=(x, labels), progress=False,
                                                   device=FAKE),
        "vanishing.activation_rms_per_layer": lambda: vanishing.activation_rms_per_layer(x, params, device=FAKE),
        "xor.collapse_linear": lambda: xor.collapse_linear(params, FAKE),
    }


def _cnn_step_args(cnn):
    model = cnn.build_model(0, FAKE)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    return model, optimizer, torch.zeros(2, 1, 28, 28, device=FAKE), torch.zeros(2, dtype=torch.long, device=FAKE)
