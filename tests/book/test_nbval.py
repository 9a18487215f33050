"""nbval runs notebooks again in a real kernel and compares them with what is stored.

- The solution notebooks, top to bottom with ``--nbval-lax``: every cell runs without an
  error, so every visible (and hidden) check passes on the instructor's answers.
- The chapters, with ``--nbval``: every output of every cell, as the book build stored it in
  ``_build/jupyter_execute``, must come out the same when the notebook runs again, so each
  number a chapter prints (and its prose quotes) reproduces. Only timings, progress bars
  and memory addresses are sanitized (``tests/helpers/nbval_sanitize.cfg``). That test lives in
  test_book.py, on the book its module fixture builds (the book is built once per run);
  both run nbval with tests/helpers/nbval_run.py; this module tests the sanitizers themselves.
"""

import re

import pytest

from helpers.nbval_run import SANITIZE, nbval, summary
from helpers.paths import ROOT, assignments


def _env(venv_env):
    return dict(venv_env, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")


@pytest.mark.slow
def test_every_solution_notebook_runs_top_to_bottom_and_passes_its_checks(venv_env):
    """--nbval-lax: no cell of any solution notebook raises (every check passes) in a real kernel."""
    notebooks = [ROOT / "solutions" / name / f"{name}.ipynb" for name in assignments()]
    done = nbval(notebooks, lax=True, env=_env(venv_env))
    assert done.returncode == 0, summary(done)
    assert " failed" not in done.stdout.splitlines()[-1], summary(done)


@pytest.mark.slow
def test_nbval_lax_fails_a_solution_whose_check_fails(tmp_path, venv_env):
    """The other side: a solution notebook with a wrong answer makes the run fail."""
    import json

    nb = json.loads((ROOT / "solutions" / "01_perceptron" / "01_perceptron.ipynb").read_text())
    answer = next(c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution"))
    name = re.search(r"def (\w+)\(", "".join(answer["source"])).group(1)
    answer["source"] = "".join(answer["source"]) + f"\n\ndef {name}(*args, **kwargs):\n    return None\n"
    (tmp_path / "broken.ipynb").write_text(json.dumps(nb))
    done = nbval([tmp_path / "broken.ipynb"], lax=True, env=_env(venv_env))
    assert done.returncode != 0 and "failed" in done.stdout, summary(done)


# ---------------------------------------------------------------- the sanitizers

def sanitizers():
    """[(regex, replacement)] of tests/nbval_sanitize.cfg, read by nbval's own parser."""
    from nbval.plugin import get_sanitize_patterns

    patterns = get_sanitize_patterns(SANITIZE.read_text())
    assert len(patterns) == SANITIZE.read_text().count("\nregex: ")  # none that nbval would skip
    return [(re.compile(regex), replace) for regex, replace in patterns]


def sanitize(text):
    for regex, replace in sanitizers():
        text = regex.sub(replace, text)
    return text


@pytest.mark.parametrize("first,second", [
    ("six loops 2.03 s, im2col 3.31 ms: 613 times faster; same outputs: True",
     "six loops 1.87 s, im2col 2.95 ms: 634 times faster; same outputs: True"),
    ("forward + backward, 64 x 1 x 28 x 28 with 8 filters 3 x 3: 12.3 ms",
     "forward + backward, 64 x 1 x 28 x 28 with 8 filters 3 x 3: 9.8 ms"),
    ("epochs: 100%|██████████| 20/20 [00:03<00:00,  5.91it/s]",
     "epochs: 100%|██████████| 20/20 [00:04<00:00,  4.80it/s]"),
    ("<Figure at 0x7f3a2c1d9e50>", "<Figure at 0x7f11aa2b3c40>"),
    ("    2 -> 2    |      55.6 |       0.09 |         591x | 8.9e-16\n",
     "    2 -> 2    |      55.2 |       0.08 |         676x | 8.9e-16\n"),
    ("    32      25,450       102          0.70          88.5%\n   256",
     "    32      25,450       102         10.85          88.5%\n   256"),
    ("8 6,370 27 0.39 83.5% 32 25,450 102 0.62 88.5%", "8 6,370 27 0.85 83.5% 32 25,450 102 0.69 88.5%"),
])
def test_sanitizers_make_timings_progress_bars_and_addresses_equal(first, second):
    assert first != second and sanitize(first) == sanitize(second)


@pytest.mark.parametrize("first,second", [
    ("validation accuracy 0.912, test accuracy 0.905", "validation accuracy 0.913, test accuracy 0.905"),
    ("training 4000, validation 500, test 500 digits", "training 4000, validation 501, test 500 digits"),
    ("largest difference of the 500 mini-batch costs: 2.1e-07", "largest difference of the 500 mini-batch costs: "
                                                                "3.4e-07"),
    ("epoch 3: cost 0.2311", "epoch 3: cost 0.2312"),
    ("[[0.5 0.25]\n [1.   2.  ]]", "[[0.5 0.25]\n [1.   2.5 ]]"),
    ("0.9123456789012\n", "0.9123456789013\n"),
    ("0.9123456789012", "0.9123456789013"),
    ("after 12 steps", "after 13 steps"),
    ("  2 -> 2  |  55.6 |  0.09 |  591x | 8.9e-16", "  2 -> 2  |  55.6 |  0.09 |  591x | 9.1e-16"),
    ("  32    25,450    102     0.70     88.5%", "  32    25,450    102     0.70     88.6%"),
    ("  32    25,450    102     0.70     88.5%", "  32    25,451    102     0.70     88.5%"),
    ("8 6,370 27 0.39 83.5% 32 25,450 102", "8 6,370 27 0.39 83.5% 32 25,450 103"),
])
def test_sanitizers_leave_every_other_number_alone(first, second):
    """A result that changes is still a difference: only time and addresses are sanitized."""
    assert sanitize(first) != sanitize(second)


# ---------------------------------------------------------------- reading the book's notebooks

def test_stream_pieces_myst_nb_stored_twice_are_dropped_once():
    """myst-nb writes a cell that printed in two pieces as [piece 1 + piece 2, piece 2]."""
    from helpers.nbval_book import without_stored_duplicates

    def stream(text, name="stdout"):
        return {"output_type": "stream", "name": name, "text": text}
    stored = [stream("NumPy: [0. 1.]\nPyTorch: [0. 1.]\n"), stream("PyTorch: [0. 1.]\n")]
    assert without_stored_duplicates(stored) == stored[:1]
    figure = {"output_type": "display_data", "data": {"text/plain": "<Figure>"}}
    stored = [stream("a\nb\nc\n"), figure, stream("b\n"), stream("c\n"), stream("warn\n", "stderr")]
    assert without_stored_duplicates(stored) == [stored[0], figure, stored[4]]
    # pieces that were not appended to the first one are real outputs and stay
    genuine = [stream("a\n"), stream("b\n")]
    assert without_stored_duplicates(genuine) == genuine


def test_stream_text_is_compared_with_whitespace_runs_as_one_space_only():
    """Where the kernel flushed changes only whitespace in myst-nb's stored text; words and numbers count."""
    from helpers.nbval_book import spaced_alike

    def stream(text):
        return {"output_type": "stream", "name": "stdout", "text": text}
    stored = stream("quadratic: Adam 0.53\n\nRosenbrock: Adam 0.22\n")
    again = stream("quadratic: Adam 0.53\nRosenbrock: Adam 0.22\n")
    assert spaced_alike(stored)["text"] == spaced_alike(again)["text"]
    assert spaced_alike(stream("Adam 0.53\n"))["text"] != spaced_alike(stream("Adam 0.54\n"))["text"]
    figure = {"output_type": "display_data", "data": {"text/plain": "a\n\nb"}}
    assert spaced_alike(figure) is figure
