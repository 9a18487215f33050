"""The grader <-> worker message format: a JSON tree whose arrays travel as .npy.

Both sides use this module; it imports only the standard library and NumPy,
because the worker loads it by path, before student code runs. Arrays are read
back with ``allow_pickle=False``, so only plain numeric arrays can arrive.
"""

import io
import json
import os
import struct

import numpy as np

HEADER = struct.Struct("<QQ")
#: Largest message accepted (bytes): protects the grader from a memory blow-up.
MAX_BYTES = 256 * 2**20


class Unserializable(TypeError):
    """A value that is not data: numbers, strings, arrays, tuples, lists, dicts."""


class Fixture:
    """A function the grader passes to a student's function, rebuilt in the worker.

    name: a key of ``FIXTURES``; params: arrays or numbers. Calling it locally
    (in a notebook) runs the same code as the worker's copy.
    """

    def __init__(self, name, *params):
        self.name, self.params = name, params

    def __call__(self, *args):
        return FIXTURES[self.name](*self.params)(*args)


def _quadratic(A, c):
    """f(x) = sum(x * (A @ x)) / 2 + sum(c * x) for x of any shape (A acts on x.ravel())."""
    return lambda x: float(np.ravel(x) @ (A @ np.ravel(x)) / 2 + np.ravel(c) @ np.ravel(x))


def _sin_sum(scale):
    """f(x) = sum(sin(scale * x))."""
    return lambda x: float(np.sum(np.sin(scale * np.asarray(x))))


#: Functions the grader may hand to student code. Extend here, never elsewhere.
FIXTURES = {"quadratic": _quadratic, "sin_sum": _sin_sum}


def encode(value, arrays):
    """value -> JSON-able tree; arrays are appended to ``arrays`` and referenced by index."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (np.ndarray, np.generic)):
        arr = np.asarray(value).view(np.ndarray) if isinstance(value, np.ndarray) else np.asarray(value)
        if arr.dtype.kind not in "biufc":
            raise Unserializable(f"an array of dtype {arr.dtype}")
        arrays.append(np.array(arr, copy=True))
        return {"a": len(arrays) - 1}
    if isinstance(value, tuple):
        return {"t": [encode(v, arrays) for v in value]}
    if isinstance(value, list):
        return {"l": [encode(v, arrays) for v in value]}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"d": {k: encode(v, arrays) for k, v in value.items()}}
    if isinstance(value, Fixture):
        return {"f": value.name, "p": [encode(v, arrays) for v in value.params]}
    raise Unserializable(f"a {type(value).__module__}.{type(value).__qualname__}")


def decode(tree, arrays, fixtures=False):
    """Inverse of ``encode``; Fixture specs become callables only if ``fixtures``."""
    if not isinstance(tree, dict):
        return tree
    if "f" in tree:  # the one tag with two keys
        if not fixtures:
            raise ValueError("a function argument is accepted only by the worker")
        return Fixture(tree["f"], *[decode(p, arrays) for p in tree.get("p", [])])
    (tag, body), = tree.items()
    if tag == "a":
        return arrays[body]
    if tag in ("t", "l"):
        items = [decode(v, arrays, fixtures) for v in body]
        return tuple(items) if tag == "t" else items
    if tag == "d":
        return {k: decode(v, arrays, fixtures) for k, v in body.items()}
    raise ValueError(f"unknown tag {tag!r}")


def pack(message):
    """dict with JSON-able keys and any encodable values -> bytes."""
    arrays = []
    meta = json.dumps({k: encode(v, arrays) for k, v in message.items()}).encode()
    buf = io.BytesIO()
    for arr in arrays:
        np.save(buf, arr, allow_pickle=False)
    blob = buf.getvalue()
    return HEADER.pack(len(meta), len(blob)) + meta + blob + struct.pack("<Q", len(arrays))


def unpack(meta, blob, count, fixtures=False):
    """bytes from ``pack`` (split) -> dict of plain values."""
    buf = io.BytesIO(blob)
    arrays = [np.load(buf, allow_pickle=False) for _ in range(count)]
    return {k: decode(v, arrays, fixtures) for k, v in json.loads(meta).items()}


def read_message(read, fixtures=False):
    """Read one message with ``read(n) -> bytes`` (exactly n bytes or EOFError)."""
    n_meta, n_blob = HEADER.unpack(read(HEADER.size))
    if n_meta + n_blob > MAX_BYTES:
        raise ValueError(f"message of {n_meta + n_blob} bytes exceeds the limit of {MAX_BYTES}")
    meta, blob = read(n_meta), read(n_blob)
    (count,) = struct.unpack("<Q", read(8))
    return unpack(meta, blob, count, fixtures)


def same(a, b):
    """Equal values, arrays compared entry by entry (NaN equals NaN), nested in tuples, lists, dicts."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, Fixture) and isinstance(b, Fixture):
        return a.name == b.name and same(list(a.params), list(b.params))
    return type(a) is type(b) and (a == b or (a != a and b != b))


def fd_reader(fd):
    """read(n) over a blocking file descriptor."""
    def read(n):
        chunks, left = [], n
        while left:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                raise EOFError("the other side closed the channel")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    return read


def write_all(fd, data):
    """Write every byte of ``data`` to ``fd``."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
