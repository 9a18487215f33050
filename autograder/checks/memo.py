"""The PyTorch twins' results, remembered within a run (the grader calls them for every student).

A check compares each student's answer with the NumPy reference and with the PyTorch
twin on inputs the check itself seeds, so every student of a class costs the same twin
calls on the same inputs: most of a check's time, recomputed 60 or 600 times. A call is
remembered under the twin's name and the full bytes of its inputs (every array's dtype,
shape and bytes, every number's type and value, the device), and each caller gets its
own copy of the result. Arguments of any other kind (a function, a generator) are not
remembered: the call runs as before.

The twins must stay pure for this: a result that depends only on the arguments, and no
argument changed in place. ``tests/checks/test_memo.py`` runs every check of every
exercise on the references with ``VERIFY`` on, which recomputes each remembered call
and compares it with the copy given out, and checks that no twin changed its inputs.
"""

import hashlib
import struct
import threading
from collections import OrderedDict

import numpy as np

#: Most bytes of results kept (oldest dropped first); twins' results here are a few KB each.
MAX_BYTES = 256 * 2**20
#: Recompute every remembered call and compare (tests): mismatches are appended to ``MISMATCHES``.
VERIFY = False
MISMATCHES = []
#: (hits, misses) since the start, for the benchmark's breakdown.
STATS = {"hits": 0, "misses": 0}

_CACHE = OrderedDict()
_SIZE = [0]
_LOCK = threading.Lock()


class Unkeyable(TypeError):
    """An argument whose full content cannot be put into a key: the call is not remembered."""


def memoized(module):
    """``module`` (a ``ref_torch`` topic) whose functions remember their results (see the module)."""
    return _Twins(module)


class _Twins:
    """Attribute access to a twin module; its functions come back remembering."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        value = getattr(self._module, name)
        if not callable(value) or isinstance(value, type):
            return value
        return _Remembering(value, f"{self._module.__name__}.{name}")

    def __repr__(self):
        return f"<memoized {self._module.__name__}>"


class _Remembering:
    """One twin function that remembers its results by the full bytes of its inputs."""

    def __init__(self, fn, name):
        self.fn, self.name = fn, name
        self.__doc__ = getattr(fn, "__doc__", None)

    def __call__(self, *args, **kwargs):
        try:
            key = self.name + ":" + _key((args, sorted(kwargs.items())))
        except Unkeyable:
            return self.fn(*args, **kwargs)
        with _LOCK:
            stored = _CACHE.get(key)
            if stored is not None:
                _CACHE.move_to_end(key)
                STATS["hits"] += 1
        if stored is not None:
            if VERIFY:
                _verify(self, key, stored, args, kwargs)
            return _copy(stored[0])
        before = _key((args, sorted(kwargs.items()))) if VERIFY else None
        result = self.fn(*args, **kwargs)
        if VERIFY and _key((args, sorted(kwargs.items()))) != before:
            MISMATCHES.append(f"{self.name} changed its arguments in place")
        try:
            kept, size = _copy(result, store=True), _size(result)
        except Unkeyable:
            return result  # a result of another kind (or one autograd still holds): not remembered
        with _LOCK:
            STATS["misses"] += 1
            if key not in _CACHE:
                _CACHE[key] = (kept, size)
                _SIZE[0] += size
                while _SIZE[0] > MAX_BYTES and _CACHE:
                    _SIZE[0] -= _CACHE.popitem(last=False)[1][1]
        return result


def clear():
    """Forget every remembered result (tests; a run keeps them to its end)."""
    with _LOCK:
        _CACHE.clear()
        _SIZE[0] = 0
        STATS.update(hits=0, misses=0)


def _verify(twin, key, stored, args, kwargs):
    """Recompute a remembered call: the copy given out must equal the fresh result, exactly."""
    fresh = twin.fn(*args, **kwargs)
    if _key(fresh) != _key(stored[0]):
        MISMATCHES.append(f"{twin.name}: the remembered result differs from a fresh call")


def _key(value):
    """A digest of ``value``'s full content: type, dtype, shape and bytes of every array."""
    digest = hashlib.blake2b(digest_size=20)
    _feed(digest, value)
    return digest.hexdigest()


def _feed(digest, value):
    torch = _torch()
    if value is None or isinstance(value, (bool, int, float, str, complex)):
        digest.update(f"{type(value).__name__}:{value!r};".encode())
    elif isinstance(value, np.generic):
        _feed(digest, np.asarray(value))
    elif isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise Unkeyable("an object array")
        digest.update(f"nd:{value.dtype.str}:{value.shape};".encode())
        digest.update(np.ascontiguousarray(value).tobytes())
    elif torch is not None and isinstance(value, torch.Tensor):
        digest.update(f"t:{value.dtype}:{tuple(value.shape)}:{value.device}:{value.requires_grad};".encode())
        digest.update(value.detach().cpu().contiguous().numpy().tobytes())
    elif torch is not None and isinstance(value, torch.device):
        digest.update(f"dev:{value};".encode())
    elif isinstance(value, (tuple, list)):
        digest.update(f"{type(value).__name__}{len(value)}(".encode())
        for item in value:
            _feed(digest, item)
        digest.update(b")")
    elif isinstance(value, dict):
        digest.update(f"dict{len(value)}(".encode())
        for k in sorted(value, key=repr):
            _feed(digest, k)
            _feed(digest, value[k])
        digest.update(b")")
    else:
        raise Unkeyable(type(value).__name__)
    digest.update(struct.pack("<B", 0))


def _copy(value, store=False):
    """A copy of a result: tensors cloned (detached when stored), arrays copied, containers rebuilt."""
    torch = _torch()
    if value is None or isinstance(value, (bool, int, float, str, complex, np.generic)):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise Unkeyable("an object array")
        return value.copy()
    if torch is not None and isinstance(value, torch.Tensor):
        if store and value.requires_grad:
            raise Unkeyable("a tensor that autograd tracks")
        return value.detach().clone()
    if isinstance(value, (tuple, list)):
        return type(value)(_copy(v, store) for v in value) if type(value) in (tuple, list) else _unkeyable(value)
    if isinstance(value, dict) and type(value) is dict:
        return {k: _copy(v, store) for k, v in value.items()}
    return _unkeyable(value)


def _unkeyable(value):
    raise Unkeyable(type(value).__name__)


def _size(value):
    """Bytes a stored result holds (roughly: its arrays and tensors)."""
    torch = _torch()
    if isinstance(value, np.ndarray):
        return value.nbytes + 100
    if torch is not None and isinstance(value, torch.Tensor):
        return value.element_size() * value.nelement() + 100
    if isinstance(value, (tuple, list)):
        return sum(_size(v) for v in value) + 50
    if isinstance(value, dict):
        return sum(_size(v) for v in value.values()) + 50
    return 50


def _torch():
    """torch if it is loaded already (the twins load it); never imported here."""
    import sys

    return sys.modules.get("torch")
