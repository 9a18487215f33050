"""The deep-learning course's package: reference implementations, checks and grading.

- ``autograder.ref_numpy``: NumPy references, the code the book teaches.
- ``autograder.ref_torch``: PyTorch twins with the same module and function names.
- ``autograder.checks``: one module per exercise (``ex01_perceptron``...), used by
  students in their notebooks and by the instructor's grader.
- ``autograder.grading``: the instructor's pipeline (``python -m autograder``).

Nothing is imported eagerly: importing this package does not import torch.

The device rules live here and only here:

- :func:`device` picks the best device (``cuda``, then ``mps``, then ``cpu``), or the one
  named by the environment variable ``DLCOURSE_DEVICE`` (``DLCOURSE_DEVICE=cpu`` forces
  the CPU).
- :func:`has_float64` says whether a device computes in float64. Apple's MPS backend has
  no float64 (PyTorch raises ``TypeError`` on a float64 tensor there).
- :func:`float_dtype` is the floating dtype to use on a device: the one asked for, or
  float32 where the device lacks float64.
- ``device(float64=True)`` is the best device that has float64: the checks run their
  PyTorch twins there, so a student's verdict is the same on every machine (float64
  everywhere; on a Mac the twins run on the CPU).
"""

import os

__all__ = ["ENV_DEVICE", "NO_FLOAT64", "device", "float_dtype", "has_float64"]

#: Environment variable that overrides the device choice (``cpu``, ``cuda``, ``cuda:1``, ``mps``).
ENV_DEVICE = "DLCOURSE_DEVICE"

#: Device types on which PyTorch has no float64 (MPS: "the MPS framework doesn't support float64").
NO_FLOAT64 = {"mps"}


def device(float64=False):
    """The torch device to compute on.

    ``$DLCOURSE_DEVICE`` when set, else ``cuda``, then ``mps``, then ``cpu``. With
    ``float64=True``, the CPU instead of a device that lacks float64 (MPS): the checks
    compare in float64, and a verdict must not depend on the student's machine.
    """
    import torch

    chosen = _from_env(torch) or _best(torch)
    if float64 and not has_float64(chosen):
        return torch.device("cpu")
    return chosen


def has_float64(dev):
    """Whether ``dev`` (a ``torch.device`` or its name) computes in float64."""
    kind = dev if isinstance(dev, str) else dev.type
    return kind.split(":")[0] not in NO_FLOAT64


def float_dtype(dev, dtype=None):
    """The floating dtype to use on ``dev``: ``dtype`` (default float64), float32 where float64 is missing."""
    import torch

    dtype = torch.float64 if dtype is None else dtype
    if dtype == torch.float64 and not has_float64(dev):
        return torch.float32
    return dtype


def _best(torch):
    """cuda, then mps, then cpu."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def _from_env(torch):
    """The device ``$DLCOURSE_DEVICE`` names, or None when unset; a clear error when it cannot be used."""
    name = os.environ.get(ENV_DEVICE, "").strip()
    if not name:
        return None
    try:
        dev = torch.device(name)
    except RuntimeError:
        raise ValueError(f"{ENV_DEVICE}={name!r} is not a torch device; use cpu, cuda, cuda:N or mps") from None
    available = {"cpu": lambda: True, "cuda": torch.cuda.is_available,
                 "mps": lambda: getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()}
    if not available.get(dev.type, lambda: False)():
        raise ValueError(f"{ENV_DEVICE}={name!r}, but this machine has no usable {dev.type} device; "
                         "unset it or use cpu")
    return dev
