"""The grader <-> worker message format: a JSON tree whose arrays travel as .npy.

Both sides use this module; it imports only the standard library and NumPy,
because the worker loads it by path, before student code runs. The reader trusts
nothing: sizes are checked against caps before anything is read, each array's
header is parsed and checked (plain numeric dtypes only, data inside the message)
before the array is made, as a view into the received buffer (no copy), and
decoded trees are at most ``MAX_DEPTH`` deep, a message holds at most
``MAX_ARRAYS`` arrays (counted before any header is parsed: numpy's header
parser takes ~0.3 ms each), and integers fit in 64 bits (a larger one is no
deliverable, and no float can hold 10**400: the checks could not convert it).
"""

import io
import json
import os
import re
import struct
import threading
from collections.abc import Callable

import numpy as np
from numpy.lib import format as npy

HEADER = struct.Struct("<QQ")
COUNT = struct.Struct("<Q")
#: Largest array part of a message accepted by default (bytes).
MAX_BYTES = 64 * 2**20
#: Largest JSON part accepted by default (bytes): JSON takes ~25x its size in memory once parsed.
META_BYTES = 2**20
#: Deepest nesting of tuples, lists and dicts accepted.
MAX_DEPTH = 64
#: Arrays start at multiples of this in a message, so that they are aligned views.
ALIGN = 64
#: Most arrays accepted in one message by default: 64 MiB of empty arrays are 512k of them.
MAX_ARRAYS = 4096
#: Integers outside int64 and uint64 are refused (NumPy would make them object arrays).
INT_MIN, INT_MAX = -2**63, 2**64 - 1
#: Held around every parse of Python syntax in the grader (``grading/parsing.py`` uses this same
#: lock): CPython 3.11's AST constructor is not thread-safe (CPython issue 106905).
PARSE_LOCK = threading.RLock()
#: Longest .npy header accepted (NumPy's reader refuses longer ones too).
NPY_HEADER_BYTES = 4096
#: The .npy version 1.0 header exactly as ``np.save`` writes it for a plain array: read without
#: ``ast.literal_eval`` (any other header goes to NumPy's reader, under ``PARSE_LOCK``).
NPY_HEADER = re.compile(r"\{'descr': '([<>|=][biufc]\d{1,2})', 'fortran_order': (True|False), "
                        r"'shape': \(((?:\d{1,19}, )*\d{1,19},?|)\), \} *\n")


class TooLarge(ValueError):
    """A message larger than the reader accepts; refused before its body is read."""


class Unserializable(TypeError):
    """A value that is not data: numbers, strings, arrays, tuples, lists, dicts."""


class Fixture:
    """A function the grader passes to a student's function, rebuilt in the worker.

    name: a key of ``FIXTURES``; params: arrays or numbers. Calling it locally
    (in a notebook) runs the same code as the worker's copy.
    """

    def __init__(self, name: str, *params: object) -> None:
        self.name, self.params = name, params

    def __call__(self, *args: object) -> object:
        return FIXTURES[self.name](*self.params)(*args)


def _quadratic(A, c):
    """f(x) = sum(x * (A @ x)) / 2 + sum(c * x) for x of any shape (A acts on x.ravel())."""
    return lambda x: float(np.ravel(x) @ (A @ np.ravel(x)) / 2 + np.ravel(c) @ np.ravel(x))


def _sin_sum(scale):
    """f(x) = sum(sin(scale * x))."""
    return lambda x: float(np.sum(np.sin(scale * np.asarray(x))))


#: Functions the grader may hand to student code. Extend here, never elsewhere.
FIXTURES = {"quadratic": _quadratic, "sin_sum": _sin_sum}


def encode(value: object, arrays: list[np.ndarray]) -> object:
    """value -> JSON-able tree; arrays are appended to ``arrays`` and referenced by index."""
    if isinstance(value, int) and not isinstance(value, bool) and not INT_MIN <= value <= INT_MAX:
        raise Unserializable(f"an int of {value.bit_length()} bits (beyond 64 bits)")
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


def decode(tree: object, arrays: list[np.ndarray], fixtures: bool = False, depth: int = 0) -> object:
    """Inverse of ``encode``; Fixture specs become callables only if ``fixtures``.

    Raises ValueError for anything ``encode`` cannot have written.
    """
    if type(tree) is int and not INT_MIN <= tree <= INT_MAX:
        raise ValueError("an integer beyond 64 bits")
    if tree is None or isinstance(tree, (bool, int, float, str)):
        return tree
    if not isinstance(tree, dict) or depth > MAX_DEPTH:
        raise ValueError("malformed or too deeply nested value")
    if "f" in tree:  # the one tag with two keys
        if not fixtures:
            raise ValueError("a function argument is accepted only by the worker")
        return Fixture(tree["f"], *[decode(p, arrays, False, depth + 1) for p in tree.get("p", [])])
    if len(tree) != 1:
        raise ValueError("malformed value")
    (tag, body), = tree.items()
    if tag == "a" and type(body) is int and 0 <= body < len(arrays):
        return arrays[body]
    if tag in ("t", "l") and isinstance(body, list):
        items = [decode(v, arrays, fixtures, depth + 1) for v in body]
        return tuple(items) if tag == "t" else items
    if tag == "d" and isinstance(body, dict):
        return {k: decode(v, arrays, fixtures, depth + 1) for k, v in body.items()}
    raise ValueError(f"malformed value (tag {str(tag)[:20]!r})")


def pack(message: dict[str, object]) -> bytes:
    """dict with JSON-able keys and any encodable values -> bytes."""
    arrays = []
    meta = json.dumps({k: encode(v, arrays) for k, v in message.items()}).encode()
    buf = io.BytesIO()
    for arr in arrays:
        np.save(buf, arr, allow_pickle=False)
        buf.write(bytes(-buf.tell() % ALIGN))
    blob = buf.getvalue()
    return HEADER.pack(len(meta), len(blob)) + meta + blob + COUNT.pack(len(arrays))


def unpack(meta: bytes, blob: bytes | bytearray, count: int, fixtures: bool = False) -> dict[str, object]:
    """bytes from ``pack`` (split) -> dict of plain values; arrays are views into ``blob``.

    Pass a bytearray as ``blob`` for writable arrays.
    """
    if count > len(blob) // ALIGN:
        raise ValueError(f"{count} arrays cannot fit in {len(blob)} bytes")
    arrays, pos = [], 0
    for _ in range(count):
        arr, pos = _array_at(blob, pos)
        arrays.append(arr)
        pos += -pos % ALIGN
    tree = json.loads(bytes(meta))
    if not isinstance(tree, dict):
        raise ValueError("a message must be a JSON object")
    return {k: decode(v, arrays, fixtures) for k, v in tree.items()}


def _array_at(blob, pos):
    """(array, end) for the .npy record at ``pos``: header checked before any data is touched."""
    shape, fortran, dtype, start = _npy_header(blob, pos)
    if dtype.kind not in "biufc" or dtype.hasobject or dtype.fields or dtype.subdtype:
        raise ValueError(f"arrays of dtype {dtype} are not accepted")
    count = 1
    for n in shape:
        if n < 0:
            raise ValueError("an array of negative size")
        count *= n
    end = start + count * dtype.itemsize
    if end > len(blob):
        raise ValueError("an array claims more data than the message holds")
    arr = np.frombuffer(blob, dtype=dtype, count=count, offset=start)
    return arr.reshape(shape, order="F" if fortran else "C"), end


def _npy_header(blob, pos):
    """(shape, fortran order, dtype, where the data starts) of the .npy record at ``pos``.

    The header ``np.save`` writes is read with a regular expression; anything else goes to
    NumPy's own reader, whose ``ast.literal_eval`` must hold ``PARSE_LOCK`` in the grader.
    """
    magic = bytes(blob[pos:pos + 10])
    if magic[:8] == npy.MAGIC_PREFIX + bytes((1, 0)) and len(magic) == 10:
        length = int.from_bytes(magic[8:10], "little")
        text = bytes(blob[pos + 10:pos + 10 + length]).decode("latin1")
        match = NPY_HEADER.fullmatch(text) if len(text) == length <= NPY_HEADER_BYTES else None
        try:
            dtype = np.dtype(match.group(1)) if match else None
        except TypeError:  # not a dtype: NumPy's reader says so in its own words
            dtype = None
        if dtype is not None:
            shape = tuple(int(n) for n in match.group(3).split(",") if n.strip())
            return shape, match.group(2) == "True", dtype, pos + 10 + length
    head = io.BytesIO(bytes(blob[pos:pos + 12 + NPY_HEADER_BYTES]))
    version = npy.read_magic(head)
    read_header = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
    with PARSE_LOCK:
        shape, fortran, dtype = read_header(head, max_header_size=NPY_HEADER_BYTES)
    return shape, fortran, dtype, pos + head.tell()


def read_message(read: Callable[[int], bytes | bytearray], fixtures: bool = False, max_meta: int = META_BYTES,
                 max_blob: int = MAX_BYTES, max_arrays: int = MAX_ARRAYS) -> dict[str, object]:
    """Read one message with ``read(n) -> bytes-like`` (exactly n bytes or EOFError).

    Sizes are checked against ``max_meta`` (JSON) and ``max_blob`` (arrays) before
    anything else is read, the number of arrays against ``max_arrays`` before any is parsed.
    """
    n_meta, n_blob = HEADER.unpack(read(HEADER.size))
    if n_meta > max_meta or n_blob > max_blob:
        raise TooLarge(f"a reply of {n_meta + n_blob} bytes ({n_meta} of them JSON) exceeds the limit "
                       f"of {max_blob} bytes of arrays and {max_meta} bytes of JSON")
    meta, blob = read(n_meta), read(n_blob)
    (count,) = COUNT.unpack(read(COUNT.size))
    if count > max_arrays:
        raise TooLarge(f"a reply of more than {max_arrays} arrays ({count}) exceeds the limit")
    return unpack(meta, blob, count, fixtures)


def mutable(value: object) -> bool:
    """True for an argument a function can change in place (arrays, lists, dicts, tuples of them).

    The worker sends back every such argument after a call, and the grader expects
    exactly these (a worker that leaves one out is not believed). Decided on what
    crosses: a ``np.float64`` is a float and travels as one.
    """
    if isinstance(value, (bool, int, float, str)):
        return False
    if isinstance(value, (list, dict)) or hasattr(value, "__array_interface__"):
        return True
    return isinstance(value, tuple) and any(mutable(v) for v in value)


def same(a: object, b: object) -> bool:
    """Equal values, arrays compared entry by entry (NaN equals NaN), nested in tuples, lists, dicts.

    An array (or NumPy scalar) is never the same as anything else: a list is not
    converted, so a ragged one cannot raise here.
    """
    if _is_array(a) or _is_array(b):
        if not (_is_array(a) and _is_array(b)):
            return False
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, Fixture) and isinstance(b, Fixture):
        return a.name == b.name and same(list(a.params), list(b.params))
    return _scalar_type(a) is _scalar_type(b) and (a == b or (a != a and b != b))


def _is_array(value):
    """An array or a NumPy scalar that crosses as one (a ``np.float64`` crosses as a float)."""
    return isinstance(value, (np.ndarray, np.generic)) and not isinstance(value, (bool, int, float, str))


def _scalar_type(value):
    """The type a scalar crosses the pipe as: a ``np.float64`` travels (and compares) as a float."""
    return next((t for t in (bool, int, float, str) if isinstance(value, t)), type(value))


def fd_reader(fd: int) -> Callable[[int], bytearray]:
    """read(n) -> bytearray of exactly n bytes over a blocking file descriptor."""
    def read(n):
        buf = bytearray(n)
        view, pos = memoryview(buf), 0
        while pos < n:
            got = os.readv(fd, [view[pos:]])
            if not got:
                raise EOFError("the other side closed the channel")
            pos += got
        return buf
    return read


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` to ``fd``."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
