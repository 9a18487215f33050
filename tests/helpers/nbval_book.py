"""A pytest plugin for the nbval runs of tests/helpers/nbval_run.py: run and read notebooks as the book does.

- nbval 0.11 executes every cell with ``store_history=False``, but IPython decides whether a
  trailing ``;`` hides a cell's value by reading the last input stored in the history
  (``DisplayHook.quiet``). Without the history, ``ax.legend(...);`` shows a value (with a memory
  address) that Jupyter and the book build do not show, and every such cell differs.
- The book (myst-nb) takes the outputs of ``glue(..., display=False)`` out of the notebooks it
  writes to ``_build/jupyter_execute`` (``myst_nb.ext.glue.extract_glue_data_cell``: those with a
  ``scrapbook`` mime prefix); the same outputs are left out of the comparison here. The glued
  values are still computed by the cell, whose printed outputs are compared.
- myst-nb's ``coalesce_streams`` appends every later stream of a cell to its first one in place
  but leaves the later ones in the notebook it writes, so a cell that printed in several pieces
  (before and after a slow call) is stored with those pieces twice (the page shows them once).
  In a notebook myst-nb wrote (its metadata has ``source_map``), the stored duplicates are dropped
  before nbval compares, and stream text is compared with its whitespace runs as single spaces:
  myst-nb's joining puts newlines where the kernel happened to flush.
"""

import nbformat
from nbval.kernel import RunningKernel
from nbval.plugin import IPyNbCell

_compare_outputs = IPyNbCell.compare_outputs
_cell_init = IPyNbCell.__init__


def _execute_cell_input(self, cell_input, allow_stdin=None):
    """nbval's RunningKernel.execute_cell_input, storing the input as Jupyter does."""
    return self.kc.execute(cell_input, store_history=True, allow_stdin=allow_stdin, stop_on_error=False)


def _hidden_glue(output):
    """True for an output that myst-nb removes from the notebook it writes (glue with display=False)."""
    scrapbook = (output.get("metadata") or {}).get("scrapbook")
    return isinstance(scrapbook, dict) and bool(scrapbook.get("mime_prefix"))


def _written_by_myst_nb(item):
    return "source_map" in getattr(item.parent, "nb", {}).get("metadata", {})


def spaced_alike(output):
    """A stream output with every run of whitespace as one space (other outputs as they are).

    myst-nb joins the pieces in which a stream arrived with ``piece.rstrip() + newline``, so where
    the kernel happened to flush (between a print's text and its end, between its arguments)
    leaves a newline or a blank line in the stored text. Only such whitespace is given up.
    """
    if output.get("output_type") != "stream":
        return output
    return nbformat.from_dict(dict(output, text=" ".join(output["text"].split())))


def _compare_as_the_book(self, test, ref, skip_compare=None):
    test, ref = [o for o in test if not _hidden_glue(o)], [o for o in ref if not _hidden_glue(o)]
    if _written_by_myst_nb(self):
        test, ref = [spaced_alike(o) for o in test], [spaced_alike(o) for o in ref]
    return _compare_outputs(self, test, ref, skip_compare)


def without_stored_duplicates(outputs):
    """``outputs`` of a cell as myst-nb meant them: the later pieces of a stream, already appended
    to its first piece (text.rstrip() + newline each), are dropped."""
    first, later = {}, {}
    for output in outputs:
        if output.get("output_type") == "stream":
            (later.setdefault(output["name"], []) if output["name"] in first else first.setdefault(output["name"], [])
             ).append(output)
    dropped = set()
    for name, pieces in later.items():
        appended = "".join(p["text"].rstrip() + "\n" for p in pieces if p["text"].rstrip())
        if first[name][0]["text"].endswith(appended):
            dropped.update(id(p) for p in pieces)
    return [o for o in outputs if id(o) not in dropped]


def _init_cell(self, name, parent, cell_num, cell, options):
    _cell_init(self, name, parent, cell_num, cell, options)
    if _written_by_myst_nb(self):
        self.cell.outputs = without_stored_duplicates(self.cell.outputs)


def pytest_configure(config):
    RunningKernel.execute_cell_input = _execute_cell_input
    IPyNbCell.compare_outputs = _compare_as_the_book
    IPyNbCell.__init__ = _init_cell
