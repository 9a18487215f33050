"""A second security review of ``grade``: attacks on the channel and the judge, each with its verdict.

The first review's findings (issue 7) are in the other ``test_boundary_*`` files, ``test_judge.py``,
``grading/course/test_collect.py`` and ``grading/records/test_gradebook.py``. These are the holes a later
review found: a submission that hides an in-place change by patching the worker's bookkeeping, a result
the checks cannot convert (status ``error`` instead of a zero), and replies
that are cheap to send and dear to read. Every attack states its expected
score, status and reason; honest and blank controls run under the same limits.
These run in whichever mode this machine offers (``allow_weak=True``): they
test the grader's side of the channel, which must hold even against a worker
whose audit hook is gone.
"""

import os
import time

import numpy as np
import pytest
from helpers.grader_attacks import FULL, POINTS, SOLUTION, STABLE, STUB, add_cells, edit, limits, source, write

from autograder.checks.compare import call
from autograder.grading.student import sandbox
from autograder import wire
from autograder.grading.student.judge import grade_notebook
from autograder.grading.student.remote import Limits, RemoteFunction, Worker, WorkerGone
from helpers.unhook import UNHOOK

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


@pytest.fixture
def w(make_worker):
    """A worker (the weak sandbox accepted, as the channel tests do), closed after the test."""
    return make_worker(timeout=30, allow_weak=True)


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
def test_a_worker_that_lies_about_its_arguments_is_caught(lie, w):
    after, verdict = LIES[lie]
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


def test_an_honest_worker_still_sends_back_every_argument(w):
    """Arrays, lists, dicts, tuples holding arrays, NumPy scalars; numbers, strings and fixtures are not sent."""
    w.run("def f(a, b, c, d, e, g, h, k=None):\n    a[0] = 9\n    return 0\n")
    a = np.zeros(2)
    args = (a, [1, 2], {"x": np.ones(1)}, (np.ones(1), 2.0), np.float64(3.0), 1.5, "s")
    result = RemoteFunction(w, "f")(*args, k=np.ones(2))
    assert result == 0 and a[0] == 9.0


def test_a_list_of_numpy_scalars_comes_back_unchanged(w):
    """np.float64 crosses as a float: an untouched list of them is no change in place."""
    w.run("def f(xs):\n    return sum(xs)\n")
    assert call(RemoteFunction(w, "f"), "f(xs)", xs=[np.float64(0.5), np.float64(1.5)]) == 2.0


def test_a_change_to_one_of_two_aliased_arrays_is_not_undone_by_the_other(w):
    """A cache holding one array twice reaches the worker as two arrays: writing back the
    untouched second one undid the change made through the first (the mutation was hidden)."""
    w.run("def backward(cache):\n    cache[0][0] = 99.0\n    return 0.0\n")
    x = np.arange(3.0)
    with pytest.raises(AssertionError, match="changed its argument"):
        call(RemoteFunction(w, "backward"), "backward(cache)", cache=(x, x))


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


def test_a_reply_of_many_tiny_arrays_is_refused_before_they_are_parsed(w):
    """64 MiB of empty arrays (512k of them) cost the grader ~170 s and 230 MB to parse; refused by count."""
    assert w.run(f"COUNT = {wire.MAX_ARRAYS + 1}\n" + MANY_ARRAYS) is None
    with pytest.raises(WorkerGone, match=f"more than {wire.MAX_ARRAYS} arrays"):
        w.call("f", (), {})


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


# --- the operating system: what the first review's allow-list left open ------------------------



@pytest.mark.bwrap
def test_dev_is_read_only_and_dev_shm_is_capped():
    """/dev was a writable tmpfs of half the host's memory (600 MiB written here in 40 files of 15 MiB)."""
    w = Worker(Limits(timeout=30, output_mb=4))
    try:
        assert w.run(UNHOOK + '''
import os
def attempt(fn):
    try:
        return "ok: " + repr(fn())
    except OSError as exc:
        return f"{type(exc).__name__}: {exc}"
def fill():
    for i in range(30):
        with open(f"/dev/shm/f{i}", "wb") as f:
            f.write(bytes(2**20))
RESULT = {"dev": attempt(lambda: open("/dev/evil", "wb").write(b"x")), "shm": attempt(fill),
          "null": attempt(lambda: open("/dev/null", "wb").write(b"x")),
          "urandom": attempt(lambda: len(open("/dev/urandom", "rb").read(4)))}
''') is None
        result = w.get("RESULT")["value"]
        assert "Read-only file system" in result["dev"], result
        assert "No space left" in result["shm"], result
        assert result["null"] == "ok: 1" and result["urandom"] == "ok: 4", result
    finally:
        w.close()


@pytest.mark.bwrap
def test_without_a_pids_cgroup_a_root_grader_refuses_unless_accepted(monkeypatch):
    """RLIMIT_NPROC does not bind a process whose host uid is root: 100 forks passed a limit of 16."""
    if os.geteuid() != 0:
        pytest.skip("RLIMIT_NPROC binds an unprivileged grader")
    monkeypatch.setattr(sandbox, "_make_group", lambda *args: None)
    with pytest.raises(sandbox.SandboxUnavailable, match="processes"):
        Worker(Limits(timeout=30, processes=16))
    w = Worker(Limits(timeout=30, processes=16, allow_weak=True))
    try:
        assert w.mode == "bubblewrap" and w.run("x = 1") is None
    finally:
        w.close()


# --- attacks that held: kept as tests so that they keep holding ---------------------------------

TIMING_TRAPS = UNHOOK + '''
import atexit, os, signal, threading, time
atexit.register(time.sleep, 3600)
class _Slow:
    def __del__(self):
        time.sleep(3600)
_KEEP = _Slow()
signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)
threading.Thread(target=time.sleep, args=(3600,)).start()          # not a daemon
def _spin():
    while True:
        pass
threading.Thread(target=_spin, daemon=True).start()                # runs on after every reply
if os.fork() == 0:                                                  # a child in a session of its own
    os.setsid()
    time.sleep(3600)
'''


@pytest.mark.bwrap
def test_sleeping_finalizers_threads_and_children_neither_delay_nor_survive_the_worker(tmp_path):
    """Expected 10/10, graded, in about the time of an honest notebook (not an hour)."""
    nb = edit(SOLUTION, rmse=STABLE["rmse"] + TIMING_TRAPS)
    started = time.monotonic()
    result = grade_notebook(source(), write(tmp_path, nb), limits())
    assert result.score == FULL and not result.error, [t.message for t in result.tests]
    assert time.monotonic() - started < 120


ODD = {
    "softmax": "class Odd(Exception):\n    def __str__(self):\n        raise RuntimeError('no')\n"
               "def softmax(logits):\n    raise Odd()\n",
    "cross_entropy": "def cross_entropy(logits, labels):\n    raise SystemExit(3)\n",
    "mae": "def mae(pred, target):\n    raise KeyboardInterrupt\n",
    "rmse": "def rmse(pred, target):\n"
            "    raise type('NotImplementedError\\x1b[2J', (Exception,), {})('\\ud800\\x1b[31m' + 'x' * 10**6)\n",
}


def test_exceptions_with_odd_messages_names_and_types_are_zeros_with_clean_reasons(tmp_path):
    """Expected 2/10 (binary_cross_entropy only), graded; every message printable and short."""
    result = grade_notebook(source(), write(tmp_path, edit(SOLUTION, **ODD)), limits())
    tests = by_id(result)
    assert result.score == POINTS["test_binary_cross_entropy"] and not result.error
    assert "(its message could not be shown)" in tests["test_softmax"].message
    assert "SystemExit" in tests["test_cross_entropy"].message
    assert "KeyboardInterrupt" in tests["test_mae"].message
    rmse = tests["test_rmse"].message
    assert "not implemented" not in rmse and "\x1b" not in rmse and len(rmse) < 3000, rmse[:300]
    rmse.encode("utf-8")


def test_redefined_checks_and_patched_numpy_fool_only_the_students_own_process(tmp_path):
    """Expected 7/10: a wrong softmax, with every comparison the student can reach made to pass."""
    cheat = ("import numpy, numpy.testing\ncheck_softmax = lambda *a, **k: None\n"
             "numpy.allclose = numpy.array_equal = lambda *a, **k: True\n"
             "numpy.testing.assert_allclose = lambda *a, **k: None\n"
             "def softmax(logits):\n    return np.zeros_like(logits)\n")
    result = grade_notebook(source(), write(tmp_path, edit(SOLUTION, softmax=cheat)), limits())
    softmax = by_id(result)["test_softmax"]
    assert result.score == FULL - POINTS["test_softmax"] and not result.error
    assert softmax.points == 0.0 and "should be" in softmax.message, softmax.message


NOT_FUNCTIONS = {
    "softmax": "softmax = property(lambda self: 1.0)\n",
    "cross_entropy": "def cross_entropy(logits, labels):\n    yield 1.0\n",
    "mae": "class mae:\n    def __init__(self, pred, target):\n        self.value = 0.0\n",
    "rmse": "import numpy as np\nrmse = np.frompyfunc(lambda a, b: 0.0, 2, 1)\n",
}


def test_deliverables_that_are_not_plain_functions_score_zero_with_a_reason(tmp_path):
    """Expected 2/10 (binary_cross_entropy only), graded: a property, a generator, a class, an object ufunc."""
    result = grade_notebook(source(), write(tmp_path, edit(SOLUTION, **NOT_FUNCTIONS)), limits())
    tests = by_id(result)
    assert result.score == POINTS["test_binary_cross_entropy"] and not result.error, result.error
    assert "property" in tests["test_softmax"].message
    assert "generator" in tests["test_cross_entropy"].message
    for gid in ("test_mae", "test_rmse"):
        assert tests[gid].points == 0.0 and tests[gid].message, gid


@pytest.mark.parametrize("descr", ["|O", "[('a', '<f8')]", "('<f8', (2,))", "'<U3'", "'<M8[s]'", "|V8"])
def test_arrays_that_are_not_plain_numbers_are_refused_before_they_are_made(descr):
    """A pickle (object dtype), a record, a sub-array, text, dates, raw bytes: never built."""
    quoted = descr if descr[0] in "[('" else repr(descr)
    header = ("{'descr': %s, 'fortran_order': False, 'shape': (1,), }" % quoted).encode()
    header += b" " * (-(len(header) + 11) % 64) + b"\n"
    record = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header
    blob = record + bytes(64) + bytes(-(len(record) + 64) % 64)
    with pytest.raises(ValueError):
        _read(_message(b'{"v": {"a": 0}}', blob, 1))


# --- text a student controls: nothing invisible survives ---------------------------------------

@pytest.mark.parametrize("mark", ["\u200b", "\u200d", "\u200e", "\u200f", "\u061c", "\ufeff", "\u2060",
                                  "\u202e", "\u2067", "\u2028", "\x1b", "\x85"])
def test_invisible_marks_in_a_message_are_shown_escaped(mark):
    """A zero-width or bidi mark can make a reason read as another one in the CSV or the feedback."""
    from autograder.grading.student.text import clean

    shown = clean(f"wrong{mark}value")
    assert mark not in shown and ("\\u%04x" % ord(mark) in shown or "\\x%02x" % ord(mark) in shown), shown


# --- leaking hidden inputs through what happens after a restart -----------------------------------

def test_a_cell_that_stops_a_worker_restarted_during_hidden_tests_says_nothing_of_why(tmp_path):
    """Expected 9/10, graded. mae, given a hidden input, waits for a moment of the clock and dies;
    the restarted worker's extra cell reads the clock (what the dying call chose) and exits with
    it as its exit code. Before: 'exited (code 42)' was listed among the notebook's problems,
    which the feedback shows: a restart carried a value chosen after a hidden input was seen."""
    t0 = time.time() + 8.0
    mae = ("import os, time\n"
           "def mae(pred, target):\n"
           "    if pred.shape == (1,):  # a hidden input: its size picks the exit code\n"
           f"        while time.time() < {t0!r}:\n"
           "            time.sleep(0.05)\n"
           "        os._exit(41 + pred.size)\n"
           "    return float(np.mean(np.abs(pred - target)))\n")
    clock = f"import os, time\nif time.time() > {t0!r}:\n    os._exit(42)\n"
    nb = add_cells(edit(SOLUTION, mae=mae), clock, after="rmse")
    result = grade_notebook(source(), write(tmp_path, nb), limits())
    tests = by_id(result)
    assert result.score == FULL - POINTS["test_mae"] and not result.error, [t.message for t in result.tests]
    assert tests["test_mae"].message == "a hidden test failed: the notebook's process stopped"
    problems = " | ".join(result.problems)
    assert "42" not in problems, problems
    assert "while hidden tests ran" in problems, problems


# --- exhausting the grader: student code parsed in the grader --------------------------------------

def test_the_grader_never_parses_a_huge_student_cell(monkeypatch):
    """Naming the cell that rebinds a deliverable parsed every later cell in the grader: 7.6 MiB
    of ``x = [0, 0, ...]`` took 32 s and 3.8 GiB there (Python's AST is ~500x its source)."""
    from autograder.grading.student import judge

    parsed = []
    real = judge.top_level_names
    monkeypatch.setattr(judge, "top_level_names", lambda code: parsed.append(len(code)) or real(code))
    huge = "softmax = 2\nx = [" + "0," * 1_000_000 + "]\n"
    cells = [("cell softmax", "softmax = 1\n")] + [(f"cell {i}", huge) for i in range(3)] + \
            [(f"cell {i}", "softmax = 3\n") for i in range(3, 6)] + [("cell 9", "y = 1\n")]
    assert judge.rebinding_cell("softmax", cells, source()) == ("softmax", "cell 5")
    assert max(parsed) <= judge.MAX_PARSE_CHARS and sum(parsed) <= judge.MAX_PARSE_TOTAL, parsed
    parsed.clear()
    assert judge.rebinding_cell("softmax", cells[:4], source()) is None  # only huge cells: not named
    assert not parsed or max(parsed) <= judge.MAX_PARSE_CHARS
