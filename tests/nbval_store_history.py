"""A pytest plugin for the nbval runs of tests/test_nbval.py: cells run with store_history=True.

nbval 0.11 executes every cell with ``store_history=False``, but IPython decides whether a
trailing ``;`` hides a cell's value by reading the last input stored in the history
(``DisplayHook.quiet``). Without this, ``ax.legend(...);`` shows a value (with a memory address)
that Jupyter and the book build do not show, and every such cell differs.
"""

from nbval.kernel import RunningKernel


def _execute_cell_input(self, cell_input, allow_stdin=None):
    """nbval's RunningKernel.execute_cell_input, storing the input as Jupyter does."""
    return self.kc.execute(cell_input, store_history=True, allow_stdin=allow_stdin, stop_on_error=False)


def pytest_configure(config):
    RunningKernel.execute_cell_input = _execute_cell_input
