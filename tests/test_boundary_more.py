"""A second security review of ``grade``: attacks on the channel and the judge, each with its verdict.

The first review's findings (issue 7) are in the other ``test_boundary_*`` and
``test_grader_*`` files. These are the holes a later review found: a submission
that hides an in-place change by patching the worker's bookkeeping, a result
the checks cannot convert (status ``error`` instead of a zero), and replies
that are cheap to send and dear to read. Every attack states its expected
score, status and reason; honest and blank controls run under the same limits.
These run in whichever mode this machine offers (``allow_weak=True``): they
test the grader's side of the channel, which must hold even against a worker
whose audit hook is gone.
"""

import numpy as np
import pytest
from grader_attacks import FULL, POINTS, SOLUTION, STABLE, STUB, edit, limits, source, write

from autograder.checks.compare import call
from autograder.grading import wire
from autograder.grading.judge import grade_notebook
from autograder.grading.remote import Limits, RemoteFunction, Worker, WorkerGone

#: A cell that finds the worker's own module (its ``call`` and ``serve``) by walking the stack.
WORKER_GLOBALS = '''
import sys
def _worker_globals():
    frame = sys._getframe()
    while frame is not None and "serve" not in frame.f_globals:
        frame = frame.f_back
    return frame.f_globals
'''

#: softmax that shifts its input in place (a real mutation), then tells the worker that no
#: argument can have changed, so that the worker sends nothing back for the grader to compare
#: (the worker's own ``mutable`` before the fix, ``wire.mutable`` after it).
HIDDEN_MUTATION = WORKER_GLOBALS + '''
def softmax(logits):
    _worker_globals()["mutable"] = lambda value: False
    sys.modules["wire"].mutable = lambda value: False
    logits -= logits.max(axis=1, keepdims=True)
    e = np.exp(logits)
    return e / e.sum(axis=1, keepdims=True)
'''


def by_id(result):
    return {t.grade_id: t for t in result.tests}


def start():
    return Worker(Limits(timeout=30, allow_weak=True))


# --- controls --------------------------------------------------------------------------------

@pytest.mark.parametrize("nb, score", [(SOLUTION, FULL), (STUB, 0.0)], ids=["honest", "blank"])
def test_controls(tmp_path, nb, score):
    result = grade_notebook(source(), write(tmp_path, nb), limits())
    assert result.score == score and not result.error


# --- forging: the worker decides what to send back ---------------------------------------------

def test_a_mutation_hidden_by_patching_the_workers_bookkeeping_still_costs_the_test(tmp_path):
    """Expected 7/10, graded: test_softmax 0 because softmax changed its argument in place."""
    nb = edit(SOLUTION, softmax=HIDDEN_MUTATION)
    result = grade_notebook(source(), write(tmp_path, nb), limits())
    softmax = by_id(result)["test_softmax"]
    assert result.score == FULL - POINTS["test_softmax"] and not result.error
    assert softmax.points == 0.0 and not softmax.error and not softmax.hidden
    assert "changed its argument logits in place" in softmax.message or \
        "sent garbage" in softmax.message, softmax.message


#: What a patched worker sends back as the arguments after a call, and the verdict expected.
LIES = {
    "no arguments at all": ("{}", "sent garbage"),
    "an index of 5000 digits": ('{"1" * 5000: args[0]}', "sent garbage"),
    "an argument that was never sent": ('{"0": args[0], "1": args[0]}', "sent garbage"),
    "a ragged list for an array": ('{"0": [[1.0], [1.0, 2.0]]}', "changed its argument"),
    "an array of another shape": ('{"0": np.zeros(7)}', "changed its argument"),
    "an array of another dtype": ('{"0": args[0].astype(np.float32)}', "changed its argument"),
}


@pytest.mark.parametrize("lie", LIES, ids=list(LIES))
def test_a_worker_that_lies_about_its_arguments_is_caught(lie):
    after, verdict = LIES[lie]
    w = start()
    try:
        assert w.run(WORKER_GLOBALS + f'''
import numpy as np
_g = _worker_globals()
_real_call = _g["call"]
def _lying_call(shell, request, wire):
    reply = _real_call(shell, request, wire)
    args = request["args"]
    reply["after"] = {after}
    return reply
_g["call"] = _lying_call
def f(z):
    return 1.0
''') is None
        with pytest.raises((AssertionError, WorkerGone), match=verdict) as info:
            call(RemoteFunction(w, "f"), "f(z)", z=np.arange(6.0))
        assert type(info.value).__name__ in ("CheckFailed", "ChangedArgument", "WorkerGone"), repr(info.value)
    finally:
        w.close()


def test_an_honest_worker_still_sends_back_every_argument():
    """Arrays, lists, dicts, tuples holding arrays, NumPy scalars; numbers, strings and fixtures are not sent."""
    w = start()
    try:
        w.run("def f(a, b, c, d, e, g, h, k=None):\n    a[0] = 9\n    return 0\n")
        a = np.zeros(2)
        args = (a, [1, 2], {"x": np.ones(1)}, (np.ones(1), 2.0), np.float64(3.0), 1.5, "s")
        result = RemoteFunction(w, "f")(*args, k=np.ones(2))
        assert result == 0 and a[0] == 9.0
    finally:
        w.close()


# --- confusing the judge: results the checks cannot convert --------------------------------------

def test_an_integer_too_large_for_the_checks_is_a_zero_not_an_error(tmp_path):
    """Expected 9/10, graded (not error): mae returns 10**400, which no float can hold."""
    nb = edit(SOLUTION, mae="def mae(pred, target):\n    return 10 ** 400\n")
    result = grade_notebook(source(), write(tmp_path, nb), limits())
    mae = by_id(result)["test_mae"]
    assert result.score == FULL - POINTS["test_mae"]
    assert not result.error and not mae.error, (result.error, mae.message)
    assert mae.points == 0.0 and "64 bits" in mae.message, mae.message


@pytest.mark.parametrize("value, tree", [
    (2**64, b"%d" % 2**64),
    (-2**63 - 1, b"%d" % (-2**63 - 1)),
    (10**400, b"1" + b"0" * 400),
    ([1, (2, {"x": 2**70})], b'{"l": [1, {"t": [2, {"d": {"x": %d}}]}]}' % 2**70),
], ids=["2**64", "-2**63-1", "10**400", "nested 2**70"])
def test_the_grader_refuses_integers_beyond_64_bits_from_a_patched_worker(value, tree):
    with pytest.raises(ValueError, match="64 bits"):
        _read(_message(b'{"v": ' + tree + b"}"))
    with pytest.raises(wire.Unserializable, match="64 bits"):  # the honest worker's own refusal
        wire.pack({"v": value})


def test_integers_within_64_bits_still_cross():
    for value in (2**63 - 1, -2**63, 2**64 - 1, 0, True):
        back = _read(wire.pack({"v": value}))["v"]
        assert back == value and type(back) is type(value)


# --- exhausting the grader: replies cheap to send and dear to read --------------------------------

MANY_ARRAYS = WORKER_GLOBALS + '''
import io, sys
import numpy as np
_wire = sys.modules["wire"]
_real_pack = _wire.pack
def _pack(message):
    if "result" not in message:
        return _real_pack(message)
    buf = io.BytesIO()
    np.save(buf, np.zeros(0), allow_pickle=False)
    one = buf.getvalue() + bytes(-len(buf.getvalue()) % 64)
    meta = b'{"ok": true, "result": 1.0, "after": {"d": {}}}'
    blob = one * COUNT
    return _wire.HEADER.pack(len(meta), len(blob)) + meta + blob + _wire.COUNT.pack(COUNT)
_wire.pack = _pack
def f():
    return 0.0
'''


def test_a_reply_of_many_tiny_arrays_is_refused_before_they_are_parsed():
    """64 MiB of empty arrays (512k of them) cost the grader ~170 s and 230 MB to parse; refused by count."""
    w = start()
    try:
        assert w.run(f"COUNT = {wire.MAX_ARRAYS + 1}\n" + MANY_ARRAYS) is None
        with pytest.raises(WorkerGone, match=f"more than {wire.MAX_ARRAYS} arrays"):
            w.call("f", (), {})
    finally:
        w.close()


def test_the_array_count_cap_lets_honest_replies_through():
    arrays = [np.full(2, i, float) for i in range(wire.MAX_ARRAYS)]
    assert len(_read(wire.pack({"v": arrays}))["v"]) == wire.MAX_ARRAYS
    with pytest.raises(wire.TooLarge, match="arrays"):
        _read(wire.pack({"v": arrays + [np.zeros(1)]}))


def _message(meta, blob=b"", count=0):
    return wire.HEADER.pack(len(meta), len(blob)) + meta + blob + wire.COUNT.pack(count)


def _read(data):
    pos = [0]

    def read(n):
        if pos[0] + n > len(data):
            raise EOFError
        pos[0] += n
        return bytearray(data[pos[0] - n:pos[0]])
    return wire.read_message(read)
