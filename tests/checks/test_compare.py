"""compare.py: each message of the comparison helpers, on the side that passes and the side that fails."""

import numpy as np
import pytest

from autograder.checks import compare
from autograder.checks.compare import (DEVICE, EXACT, F64, CheckFailed, NotImplementedYet, assert_close, call,
                                       describe, diagnose, plain, unpack)


def message(fn, *args, **kwargs):
    """The CheckFailed message that ``fn(*args, **kwargs)`` raises."""
    with pytest.raises(CheckFailed) as info:
        fn(*args, **kwargs)
    assert isinstance(info.value, AssertionError)  # the grader catches AssertionError
    return str(info.value)


# --- labels --------------------------------------------------------------------------------

def test_describe_reads_as_a_sentence():
    x, W = np.zeros((4, 5)), np.zeros((5, 3))
    assert describe("affine_forward(x, W, b)", x=x, W=W) == \
        "affine_forward(x, W, b) for x of shape (4, 5) and W of shape (5, 3)"
    assert describe("affine_forward(x, W, b)", "out", 0, x=x) == \
        "out (the first value returned by affine_forward(x, W, b) for x of shape (4, 5))"
    assert describe("sgd_step(w, dw, state, lr)", "state", lr=0.1) == \
        "state (returned by sgd_step(w, dw, state, lr) for lr = 0.1)"
    assert describe("f(x)") == "f(x)"


# --- the value a student returns -------------------------------------------------------------

def test_plain_accepts_arrays_and_numbers():
    assert plain("v", np.arange(3)).tolist() == [0, 1, 2]
    assert plain("v", 2.5).shape == ()


def test_none_asks_about_return_and_names_a_number():
    text = message(assert_close, "mse(pred, target)", None, 0.5)
    assert "is None" in text and "forget to `return`" in text and "one number" in text
    assert "NumPy array" not in text


def test_none_for_an_array_names_its_shape():
    text = message(assert_close, "f(x)", None, np.zeros((2, 3)))
    assert "a NumPy array of shape (2, 3)" in text and "`return`" in text


def test_list_is_refused_with_the_way_out():
    text = message(assert_close, "f(x)", [1.0, 2.0], np.array([1.0, 2.0]))
    assert "should be a NumPy array of shape (2,)" in text and "np.array" in text and "list" in text


def test_object_dtype_and_torch_like_values_are_refused():
    assert "dtype object" in message(assert_close, "f(x)", np.ones(2, dtype=object), np.ones(2))


# --- comparing -----------------------------------------------------------------------------

def test_scalar_mismatch_is_said_plainly():
    text = message(assert_close, "mse(pred, target)", 0.3, 0.25)
    assert "got 0.3 but should be 0.25" in text
    assert "of 1 entries" not in text and "entry" not in text


def test_array_mismatch_names_worst_entry_and_count():
    got = np.array([[1.0, 2.0], [3.0, 9.0]])
    text = message(assert_close, "f(x)", got, np.array([[1.0, 2.0], [3.5, 4.0]]))
    assert "entry [1, 1] is 9 but should be 4" in text and "2 of 4 entries are wrong" in text
    text = message(assert_close, "f(x)", np.array([1.0, 5.0]), np.array([1.0, 2.0]))
    assert "1 of 2 entries is wrong" in text


def test_negative_zero_prints_as_zero():
    text = message(assert_close, "f(x)", np.array([-0.0, 1.0]), np.array([1.0, 1.0]), EXACT)
    assert "is 0 but should be 1" in text and "-0" not in text
    assert compare._num(-0.0) == "0" and compare._num(-1e-17) == "-1e-17"


def test_exact_tolerance_is_named_in_words():
    text = message(assert_close, "f(x)", np.array([0.0, 1.0]), np.array([1.0, 1.0]), EXACT)
    assert "the answer must be exact" in text and "rtol=0" not in text


def test_second_reference_is_named():
    text = message(assert_close, "f(x)", np.array([1.0]), np.array([2.0]), DEVICE, against="PyTorch")
    assert "is 1 but PyTorch gives 2" in text


def test_shape_mismatch_and_scalar_shape():
    assert "has shape (3,) but should have shape (2,)" in message(assert_close, "f(x)", np.zeros(3), np.zeros(2))
    assert "should have shape () (one number)" in message(assert_close, "f(x)", np.zeros(3), 0.0)


def test_nan_is_named():
    assert "got NaN but should be 1" in message(assert_close, "f(x)", float("nan"), 1.0)


def test_close_values_pass_and_come_back_as_plain_copies():
    got = np.array([1.0, 2.0 + 1e-12])
    out = assert_close("f(x)", got, np.array([1.0, 2.0]), F64)
    assert out is not got and np.array_equal(out, got)
    assert_close("f(x)", np.array([np.inf, np.nan]), np.array([np.inf, np.nan]))


def test_float32_within_float32_rounding_is_told_float64_is_expected():
    """A right softmax computed in float32: told about the dtype, not that its rows are wrong."""
    z = np.random.default_rng(0).normal(size=(40, 10)) * 3
    want = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    z32 = z.astype(np.float32)
    got = np.exp(z32) / np.exp(z32).sum(axis=1, keepdims=True)
    text = message(assert_close, "softmax(logits)", got, want, F64, "rows must sum to 1.")
    assert "right to float32 precision" in text and "must be float64" in text
    assert "rows must sum to 1" not in text
    assert_close("softmax(logits)", got, want, DEVICE)  # the device tolerance allows float32


def test_float32_that_is_also_wrong_keeps_the_hint_and_notes_the_dtype():
    text = message(assert_close, "f(x)", np.array([5.0], np.float32), np.array([2.0]), F64, "Hint: the sign.")
    assert text.endswith("must be float64: do not convert to float32.")
    assert "inputs are float64" not in text  # nothing said about inputs the check does not know
    assert "Hint: the sign. Also:" in text


def test_float64_mistakes_get_no_dtype_note():
    assert "float32" not in message(assert_close, "f(x)", np.array([5.0]), np.array([2.0]))


# --- diagnose ----------------------------------------------------------------------------------

def test_diagnose_names_matching_mistakes_only():
    x = np.arange(4.0)
    mistakes = {"forgot the bias.": x, "wrong sign.": -x}
    assert diagnose(x.copy(), mistakes) == "Hint: forgot the bias."
    assert diagnose(x + 1, mistakes) == ""
    assert diagnose(None, mistakes) == ""


def test_a_hint_without_the_word_gets_it_once():
    """assert_close writes "Hint: " before a hint that lacks it, and never twice (issue 21 step 4)."""
    for hint in ("rows are true classes.", "Hint: rows are true classes."):
        text = message(assert_close, "f(x)", np.array([5.0]), np.array([2.0]), F64, hint)
        assert text.endswith("). Hint: rows are true classes.") and text.count("Hint:") == 1, text
        shape = message(assert_close, "f(x)", np.zeros(3), np.zeros(2), F64, hint)
        assert shape.endswith("(2,). Hint: rows are true classes.") and shape.count("Hint:") == 1, shape
    assert message(assert_close, "f(x)", np.array([5.0]), np.array([2.0]), F64, "").endswith("1e-09).")


def test_two_mistakes_are_named_with_or():
    x = np.arange(4.0)
    assert diagnose(x, {"forgot the bias.": x, "wrong sign.": x}) == "Hint: forgot the bias. Or: wrong sign."


def test_narrow_keeps_the_mistakes_that_also_fit_the_next_cases():
    fits = [{"a", "b", "c"}, {"a", "b"}, {"b"}, {"c"}]
    rounds = [lambda left, keep=keep: [h for h in left if h in keep] for keep in fits]
    assert compare.narrow(["a", "b", "c"], rounds) == ["b"]                # stops at one
    assert compare.narrow(["a", "c"], rounds[1:]) == ["a"]
    assert compare.narrow(["a", "c"], [lambda left: []]) == ["a", "c"]       # a case that keeps none: no change
    assert compare.narrow(["a", "c"], [lambda left: None, rounds[3]]) == ["a", "c"]  # cannot tell: stop


def test_plain_data_passes_and_anything_else_is_named_with_the_advice():
    compare.assert_plain_data("cache", (np.zeros(2), 1.5, {"k": [1, "s"]}), "Keep arrays.")
    text = message(compare.assert_plain_data, "cache", (np.zeros(2), print), "Keep arrays.")
    assert text == "cache holds a builtin_function_or_method, which is not plain data. Keep arrays."


def test_the_shared_sigmoid_is_the_references():
    from autograder.ref_numpy import activations
    z = np.array([-800.0, -1.0, 0.0, 2.0, 800.0])
    np.testing.assert_array_equal(compare.sigmoid(z), activations.sigmoid(z))


def _peak_bytes(fn, *args):
    """The largest memory that Python allocations reach while ``fn(*args)`` runs."""
    import tracemalloc
    tracemalloc.start()
    try:
        fn(*args)
    except CheckFailed:
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_diagnose_compares_shapes_before_converting():
    """A big answer of the wrong shape is never cast to float64 (that once took 2.2 GiB)."""
    big = np.zeros((2000, 1000), dtype=np.uint8)
    assert diagnose(big, {"hint.": np.zeros((3, 3))}) == ""
    assert _peak_bytes(diagnose, big, {"hint.": np.zeros((3, 3))}) < big.nbytes
    same_shape = {"hint.": np.zeros((2000, 1000))}
    assert _peak_bytes(diagnose, big, same_shape) > big.nbytes  # the measure sees a cast when one happens


def test_assert_close_checks_shape_before_copying():
    big = np.zeros((2000, 1000), dtype=np.uint8)
    assert "has shape (2000, 1000)" in message(assert_close, "f(x)", big, np.zeros((3, 3)))
    assert _peak_bytes(assert_close, "f(x)", big, np.zeros((3, 3))) < big.nbytes  # no copy, no float64 cast


# --- calling -------------------------------------------------------------------------------------

def _mutates_tuple(dout, cache):
    cache[0][1, 2] = 0.0
    return dout


def test_mutation_inside_a_tuple_says_what_changed():
    cache = (np.ones((2, 3)), np.ones(3))
    text = message(call, _mutates_tuple, "f(dout, cache)", dout=np.ones(2), cache=cache)
    assert "changed its argument cache in place: cache[0] entry [1, 2] went from 1 to 0" in text
    assert "cache.copy()" not in text


def test_mutation_of_an_array_names_the_entry():
    def doubles(x):
        x *= 2
        return x
    text = message(call, doubles, "f(x)", x=np.array([0.0, 3.0]))
    assert "changed its argument x in place: x entry [1] went from 3 to 6" in text


def test_untouched_arguments_pass():
    assert call(lambda x, lr: x * lr, "f(x, lr)", x=np.ones(2), lr=2.0).tolist() == [2.0, 2.0]


def test_raising_function_shows_its_own_line_and_hint():
    def broken(x):
        return x @ np.ones((7, 7))
    text = message(call, broken, "f(x)", "x has shape (N, D).", x=np.ones((2, 3)))
    assert "f(x) raised ValueError" in text and "`return x @ np.ones((7, 7))`" in text
    assert text.endswith("Hint: x has shape (N, D).")


def test_stub_is_not_implemented_yet():
    def stub(x):
        raise NotImplementedError()
    with pytest.raises(NotImplementedYet, match="not implemented yet"):
        call(stub, "f(x)", x=1.0)


def test_unpack_names_none_and_wrong_lengths():
    assert "forget to `return`" in message(unpack, "f(x)", None, 2)
    assert "tuple of 2 values, got a tuple of length 3" in message(unpack, "f(x)", (1, 2, 3), 2)
    assert unpack("f(x)", [1, 2], 2) == (1, 2)


# --- how a notebook shows a failure ---------------------------------------------------------

def test_render_traceback_is_the_message_alone():
    err = CheckFailed("f(x): entry [0] is 1 but should be 2.\nsecond line")
    assert err._render_traceback_() == ["\N{BALLOT X} f(x): entry [0] is 1 but should be 2.", "second line"]


@pytest.mark.slow
def test_a_real_kernel_shows_only_the_message_and_the_cell_still_fails():
    """nbclient runs a failing and a passing check: the error output is one line, no traceback."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import numpy as np\nfrom autograder.checks import ex01_perceptron as ex"),
        nbformat.v4.new_code_cell("ex.check_perceptron(lambda X, w, b: (X @ w + b >= 0).astype(float))"),
        nbformat.v4.new_code_cell("from autograder.ref_numpy import perceptron as ref\n"
                                  "ex.check_perceptron(ref.perceptron)"),
    ]
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True).execute()
    failed, passed = nb.cells[1].outputs, nb.cells[2].outputs
    errors = [o for o in failed if o.output_type == "error"]
    assert len(errors) == 1 and errors[0].ename == "CheckFailed"  # nbgrader counts the cell as failed
    shown = "\n".join(errors[0].traceback)
    assert shown.startswith("\N{BALLOT X} perceptron(X, w, b)") and "fire only when it is above 0" in shown
    assert "Traceback" not in shown and "compare.py" not in shown and len(errors[0].traceback) == 1
    assert [o.text for o in passed if o.output_type == "stream"][0].startswith("\N{CHECK MARK}")


def test_describe_formats_numbers_and_names():
    assert describe("f(x, lr, mode)", lr=0.0, mode="fast") == "f(x, lr, mode) for lr = 0 and mode = 'fast'"
    assert describe("f(params)", params=[(np.zeros(2), 0.0)]) == "f(params) for params"


def test_float32_inside_the_float64_tolerance_is_still_refused():
    """A float32 answer that passes rtol=1e-7 by luck on small inputs is told float64 is expected."""
    want = np.array([0.1, 1 / 3, 2.0])
    text = message(assert_close, "f(x)", want.astype(np.float32), want, F64)
    assert "right to float32 precision" in text and "must be float64" in text
    assert_close("f(x)", want, want, F64)  # the same values in float64 pass


def test_float32_that_holds_the_values_exactly_passes():
    """0/1 outputs or counts in float32 lose nothing; the device tolerance allows float32 anyway."""
    assert_close("f(x)", np.array([0.0, 1.0, 3.0], np.float32), np.array([0.0, 1.0, 3.0]), F64)
    assert_close("f(x)", np.array([0.1], np.float32), np.array([0.1]), DEVICE)


def test_an_integer_beyond_64_bits_is_a_verdict_not_an_overflow():
    """A Python int too large for NumPy: a CheckFailed in words (it was an OverflowError traceback)."""
    from autograder.checks.compare import plain
    with pytest.raises(AssertionError, match="integer of 401 digits, too large"):
        plain("the result", 10**400)
    assert plain("the result", 2**63 - 1) == 2**63 - 1


# --- two numbers that differ look different (issue 20, item 9) ------------------------------

def test_numbers_that_differ_in_the_seventh_digit_show_it_and_the_difference():
    """0.850193 off by 1.5e-7 relative read 'is 0.850193 but should be 0.850193'."""
    want = 0.8501930
    text = message(assert_close, "f(x)", want * (1 + 1.5e-7), want, F64)
    got_text, want_text = text.split(": got ")[1].split(" but should be ")
    assert got_text != want_text.split(" ")[0]
    assert "a difference of 1.3e-07" in text


def test_numbers_that_differ_in_six_digits_keep_six():
    text = message(assert_close, "f(x)", 0.3, 0.25)
    assert "got 0.3 but should be 0.25 (" in text and "difference" not in text
    assert compare._pair(1.0, 1.0 + 2**-52)[:2] == ("1.0000000000000000", "1.0000000000000002")
    assert compare._pair(0.077462, 0.0774621)[:2] == ("0.0774620", "0.0774621")  # same number of digits


def test_float64_result_of_a_float32_intermediate_is_named():
    """A float32 step upcast to float64: 'within float32 rounding', not a generic hint."""
    want = np.random.default_rng(1).normal(size=(4, 5))
    got = (want.astype(np.float32) * np.float32(1.0000001)).astype(np.float64)  # float32 arithmetic, upcast
    text = message(assert_close, "f(x)", got, want, F64, "Hint: h = tanh(a).")
    assert "within float32 rounding" in text and "float32 intermediate" in text
    assert "tanh" not in text


def test_a_real_mistake_or_a_loose_tolerance_gets_no_float32_rounding_note():
    want = np.random.default_rng(1).normal(size=(4, 5))
    assert "float32" not in message(assert_close, "f(x)", want * 1.01, want, F64)
    assert "float32" not in message(assert_close, "f(x)", want * (1 + 1e-4), want, compare.DEVICE)
    assert_close("f(x)", want * (1 + 1e-12), want, F64)  # float64 round-off passes


# --- a failure names the function it comes from (issue 20, item 11) -------------------------

def _notebook(code):
    """The namespace of a notebook that ran ``code`` (its functions' globals are the notebook's)."""
    ns = {}
    exec("import numpy as np\n" + code, ns)
    return ns


def _check_double(double, x=3.0):
    """A check of double(x) = 2 x, with the helper twice(x) verified when it fails."""
    assert_close(f"double({x:g})", call(double, "double(x)", x=x), 2 * x, F64)
    compare.ok("double works")


def _verify_twice(twice, case):
    assert_close(f"twice({case['x']:g})", call(twice, "twice(x)", x=case["x"]), 2 * case["x"], F64,
                 "Hint: twice(x) is x + x.")


check_double = compare.explains(twice=_verify_twice)(_check_double)


def test_a_failing_helper_is_named_first():
    ns = _notebook("def twice(x):\n    return x + 1\ndef double(x):\n    return twice(x)\n")
    text = message(check_double, ns["double"])
    assert text.startswith("First fix twice, which double calls: twice(3): got 4 but should be 6")
    assert "Then double's own test: double(3): got 4" in text


def test_a_right_helper_or_one_not_called_adds_nothing(capsys):
    ns = _notebook("def twice(x):\n    return x + 1\ndef double(x):\n    return x * 3\n")
    assert message(check_double, ns["double"]).startswith("double(3): got 9")  # twice is wrong but not used
    ns = _notebook("def twice(x):\n    return 2 * x\ndef double(x):\n    return twice(x) + 1\n")
    assert message(check_double, ns["double"]).startswith("double(3): got 7")
    ns = _notebook("def twice(x):\n    return x + 1\ndef double(x):\n    return x + x\n")
    check_double(ns["double"])  # the right answer passes, whatever its neighbours
    assert capsys.readouterr().out == "\N{CHECK MARK} double works\n"


def test_a_stub_helper_is_named_instead_of_calling_the_function_unimplemented():
    ns = _notebook("def twice(x):\n    raise NotImplementedError()\ndef double(x):\n    return twice(x)\n")
    with pytest.raises(NotImplementedYet) as info:
        check_double(ns["double"])
    assert str(info.value).startswith("First fix twice, which double calls: twice(x) is not implemented yet")


class _Worker:
    """The grader's side of a student's process, as far as the cascade uses it."""

    def __init__(self, ns):
        self.ns = ns

    def get(self, name):
        return {"kind": "callable"} if callable(self.ns.get(name)) else {"kind": "missing"}

    def call(self, name, args, kwargs):
        return self.ns[name](*args, **kwargs), {}


def test_in_the_grader_the_helper_is_named_as_one_it_may_call():
    from autograder.grading.student.remote import RemoteFunction

    ns = _notebook("def twice(x):\n    return x + 1\ndef double(x):\n    return twice(x)\n")
    text = message(check_double, RemoteFunction(_Worker(ns), "double"))
    assert text.startswith("First fix twice, which double may call: twice(3): got 4")
    del ns["twice"]  # no such function in the student's process: nothing to name
    assert message(check_double, RemoteFunction(_Worker(ns), "double")).startswith("double(x) raised NameError")


def test_a_variable_of_another_cell_is_named():
    ns = _notebook("x = 5.0\ndef double(y):\n    return 2 * x\n")
    text = message(check_double, ns["double"])
    assert "Note: double reads `x` from the notebook" in text
    ns = _notebook("x = 5.0\ndef double(y):\n    return 2 * y + np.zeros(()).sum()\n")
    check_double(ns["double"])  # modules and the function's own names are not notes (and it passes)
    ns = _notebook("shape = 5.0\ndef double(y):\n    return 2 * y + np.zeros(3).shape[0]\n")
    assert "Note" not in message(check_double, ns["double"])  # an attribute is not a global variable


# --- a syntax error in an answer cell (issue 20, item 12) -----------------------------------

def test_why_undefined_names_the_syntax_error_and_its_line():
    from autograder.checks.compare import _why_undefined
    cells = ["import numpy as np", "def f(x):\n    y = 2 *\n    return y\n", "check_f(f)"]
    text = _why_undefined("f", cells)
    assert "answer cell did not run" in text and "line 2" in text and "syntax error" in text
    assert "syntax" not in _why_undefined("f", cells[:1]) and "run the answer cell" in _why_undefined("f", cells[:1])


@pytest.mark.slow
def test_a_real_kernel_shows_one_line_for_an_answer_cell_with_a_syntax_error():
    """The test cell after a broken answer cell: one line naming the line, not IPython's traceback."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import numpy as np\nfrom autograder.checks import ex01_perceptron as ex\n"
                                  "from autograder.checks.compare import one_line_name_errors\none_line_name_errors()"),
        nbformat.v4.new_code_cell("def perceptron(X, w, b):\n    return (X @ w + b >= 0.astype(float)\n"),
        nbformat.v4.new_code_cell('"""perceptron."""\nex.check_perceptron(perceptron)'),
        nbformat.v4.new_code_cell("undefined_in_my_own_cell + 1"),
    ]
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True).execute()
    error = [o for o in nb.cells[2].outputs if o.output_type == "error"]
    assert len(error) == 1 and error[0].ename == "NameError"  # the cell still fails
    assert len(error[0].traceback) == 1, error[0].traceback
    assert "perceptron is not defined: its answer cell did not run" in error[0].traceback[0]
    assert "line 2" in error[0].traceback[0]
    own = [o for o in nb.cells[3].outputs if o.output_type == "error"][0]
    assert own.ename == "NameError" and len(own.traceback) > 1  # a student's own NameError keeps its traceback


# --- the float64 rule is stated where it is graded (issue 20, item 10) ------------------------

@pytest.mark.parametrize("slug,words", [
    ("07_training_practice", "float64 (NumPy's default) or float32 are both accepted"),
    ("08_optimizers", "float64 NumPy array"), ("09_regularization", "return float64 NumPy arrays"),
    ("10_cnn", "results must be float64"), ("11_rnn", "must be a float64 NumPy array"),
    ("12_lstm", "must be a float64"), ("13_gan", "float64 (the tests compare to a relative 1e-7"),
])
def test_every_exercise_states_its_number_types_in_solution_and_release(slug, words):
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for folder in ("solutions", "exercises"):
        cells = json.loads((root / folder / slug / f"{slug}.ipynb").read_text())["cells"]
        text = " ".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        assert words in " ".join(text.split()), (folder, slug)


def test_a_helper_the_grader_stops_leaves_the_verdict_as_it_was():
    """In the grader a hanging helper ends in WorkerGone: the function's own verdict stays, unprefixed."""
    from autograder.grading.student.remote import WorkerGone

    def hangs(x):
        raise WorkerGone("timed out after 30 s while running twice")
    ns = _notebook("def double(x):\n    return twice(x) + 1\n")
    ns["twice"] = lambda x: 2 * x
    check = compare.explains(twice=lambda helper, case: hangs(case["x"]))(_check_double)
    assert message(check, ns["double"]).startswith("double(3): got 7")


# --- in Korean -----------------------------------------------------------------------------------

@pytest.fixture
def korean(monkeypatch):
    """The checks speak Korean, strictly (a message without a Korean form raises)."""
    from autograder.checks import messages
    monkeypatch.setenv("DLCOURSE_LANG_STRICT", "1")
    monkeypatch.setattr(messages, "_chosen", "ko")


def test_a_label_reads_in_korean_with_the_same_shapes(korean):
    x, W = np.zeros((4, 5)), np.zeros((5, 3))
    assert describe("affine_forward(x, W, b)", x=x, W=W) == (
        "affine_forward(x, W, b) (x의 모양 (4, 5) 및 W의 모양 (5, 3)일 때)")
    assert describe("affine_forward(x, W, b)", "out", 0, x=x) == (
        "out (affine_forward(x, W, b)의 첫 번째 반환값, x의 모양 (4, 5)일 때)")
    assert describe("softmax(z)", "p") == "p (softmax(z)의 반환값)"


def test_a_wrong_entry_reads_in_korean_with_the_same_numbers_and_one_hint_word(korean):
    text = message(assert_close, "f(x)", np.array([1.0, 2.5]), np.array([1.0, 2.0]), F64, "행은 참 클래스입니다.")
    assert text == ("f(x): 항목 [1]의 값은 2.5인데 정답은 2입니다 (2개 중 1개 틀림; 허용 오차 rtol=1e-07, atol=1e-09). "
                    "힌트: 행은 참 클래스입니다.")
    assert message(assert_close, "f(x)", np.zeros(3), np.zeros(2), F64, "힌트: 모양.").count("힌트:") == 1
    assert diagnose(np.zeros(2), {"편향.": np.zeros(2), "부호.": np.zeros(2)}) == "힌트: 편향. 또는: 부호."
    mutated = message(call, lambda x: x.__setitem__(0, 3.0), "f(x)", x=np.zeros(3))
    assert mutated.startswith("f(x): 인자 x을(를) 제자리에서 바꿨습니다: "
                              "x의 항목 [0]이(가) 0에서 3(으)로 바뀌었습니다.")


# --- the authors' template (checks/_template.py) ---------------------------------------------------

def test_the_template_check_passes_the_answer_and_names_its_mistakes(capsys):
    from autograder.checks import _template

    _template.check_double(lambda x: 2 * x)
    assert capsys.readouterr().out == "\N{CHECK MARK} double matches on 5 random numbers\n"
    squared = message(_template.check_double, lambda x: x * x)
    assert squared.startswith("double(x) for x of shape (5,): entry") and squared.endswith(
        "Hint: twice x, not x squared.")
    shape = message(_template.check_double, lambda x: np.stack([2 * x, 2 * x]))
    assert shape.endswith("Hint: x has shape (N,); return an array of the same shape.") and shape.count("Hint:") == 1
