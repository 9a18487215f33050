"""The process that runs one student's code, started by the grader as a script.

It never imports the ``autograder`` package. Before any student code runs it
sets resource limits and installs an audit hook that refuses forbidden imports,
processes, signals, sockets, ctypes and file access outside its own folder, and
then serves requests on a pipe: run a cell, report a name, call a function.
Everything it sends back is plain data (see ``wire.py``); the checks, and the
judgement of what a call changed, happen in the grader.

The audit hook is not a security boundary (student code can find and patch
it): it gives clear messages ("this exercise may not import torch"). The
boundary is the operating system (``sandbox.py``); without it (hook-only mode)
the grader refuses to run student code unless the instructor accepts that.

Usage: python -I worker.py FD_IN FD_OUT CONFIG_JSON (the grader imports it instead, precompiled:
``remote.LAUNCH``).
"""

import builtins
import json
import linecache
import os
import re
import signal
import sys
import traceback
import types
from collections.abc import Callable

try:  # Unix only: a student's `check` on Windows runs without rlimits
    import resource
except ImportError:
    resource = None

BLOCKED_EVENTS = (
    "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
    "os.fork", "os.forkpty", "pty.spawn", "os.kill", "os.killpg", "signal.pthread_kill",
    "socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo",
    "resource.setrlimit", "resource.prlimit", "sys.addaudithook", "os.setuid", "os.chroot",
    "sys.remote_exec", "os.putenv", "os.unsetenv", "webbrowser.open",
)
#: Longest text sent back for one message (the grader cuts it further).
MESSAGE_CHARS = 10_000
#: Requests come from the grader, which is trusted: generous caps.
REQUEST_META, REQUEST_BLOB = 2**26, 2**32
WRITE_EVENTS = (
    "os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.link",
    "os.symlink", "os.truncate", "os.utime", "shutil.rmtree", "shutil.move", "os.chflags",
)


def set_limits(memory_mb: int, output_mb: int, nproc: int | None = None) -> None:
    """Address space, file size (and, without a pids cgroup, process) limits.

    A write past the size limit fails instead of killing the process.
    """
    if resource is None:
        return
    mem = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    out = output_mb * 2**20
    resource.setrlimit(resource.RLIMIT_FSIZE, (out, out))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if nproc:
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def make_hook(config: dict) -> Callable[[str, tuple], None]:
    """The audit hook: a closure over the rules, so student code cannot edit them."""
    home = os.path.realpath(config["home"])
    deny = tuple(os.path.realpath(p) + os.sep for p in config["deny_read"])
    forbidden = frozenset(config["forbidden_modules"])
    # Under bubblewrap the file system is an allow-list: path checks would add nothing but cost.
    paths = config.get("check_paths", True)
    own_proc = (f"/proc/{os.getpid()}/", "/proc/self/", "/proc/thread-self/")

    def inside(path, root):
        return path == root.rstrip(os.sep) or path.startswith(root)

    def check_path(path, writing):
        if isinstance(path, int) or not paths:
            return
        real = os.path.realpath(os.fsdecode(path))
        if inside(real, home + os.sep):
            return
        if any(inside(real + os.sep, d) for d in deny):
            raise PermissionError(f"grading sandbox: reading {real} is not allowed")
        if real.startswith("/proc/") and not real.startswith(own_proc) and real.count("/") > 2:
            raise PermissionError("grading sandbox: other processes are off limits")
        if writing and real != "/dev/null":
            raise PermissionError(f"grading sandbox: writing outside the working folder ({real})")

    def hook(event, args):
        if event == "import" and args[0].split(".")[0] in forbidden:
            raise ImportError(f"grading sandbox: this exercise may not import {args[0]}")
        if event.startswith("ctypes.") or event.startswith(BLOCKED_EVENTS):
            raise PermissionError(f"grading sandbox: {event} is not allowed")
        if event == "open":
            mode, flags = args[1], args[2]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
            check_path(args[0], bool(writing))
        elif event.startswith(WRITE_EVENTS):
            for arg in args[:2]:
                if isinstance(arg, (str, bytes, os.PathLike)):
                    check_path(arg, True)
    return hook


#: Names IPython puts in a notebook's namespace (or its builtins) that plain Python lacks or
#: defines otherwise (``exit`` does not raise SystemExit there, ``open`` refuses fds 0-2):
#: a cell that reads one runs in IPython.
IPYTHON_NAMES = frozenset(("In", "Out", "_ih", "_oh", "_dh", "_", "__", "___", "_i", "_ii", "_iii", "exit",
                           "quit", "get_ipython", "open", "display", "__builtin__"))
#: Lines IPython would rewrite even in valid Python: prompts pasted from a console or doctest.
PROMPT_LINE = re.compile(r"^\s*(>>>|\.\.\.|In \[|\[nav\]|\[ins\])", re.M)
#: What a shell command (``!cmd``) does while grading.
NO_SHELL = "grading sandbox: shell commands do not run while grading (skipped: {})"


class Cells:
    """Runs a student's cells: as plain Python where IPython would run the same code, else in IPython.

    A cell that compiles as plain Python, reads none of IPython's names and holds nothing
    IPython rewrites (prompts, an indented first line) runs with ``exec`` in the
    notebook's ``__main__`` namespace, as IPython runs it: same globals, ``__name__``,
    exceptions and line numbers (IPython drops leading blank lines too). Only the display
    of a cell's last value (and ``_``) is left out: no check sees it. Any other cell
    (magics, ``!`` escapes, ``get_ipython()``, a syntax error to report) starts an
    IPython shell on that namespace, once: most notebooks never need one (its start is a
    fifth of a worker's). After a ``from __future__`` import every cell runs in IPython,
    whose compiler keeps the flag for later cells.
    """

    def __init__(self):
        self.module = types.ModuleType("__main__")
        self.module.__builtins__ = builtins
        sys.modules["__main__"] = self.module
        self.user_ns = self.module.__dict__
        self.shell, self.count, self.future = None, 0, False

    def run(self, source: str) -> str | None:
        """Run one cell; None or a description of its error."""
        if not source.strip():
            return None  # IPython runs nothing either
        code = None if self.future else self._plain(source)
        if code is None:
            self.future = self.future or "__future__" in source
            self.shell = self.shell or start_shell(self.module)
            return run_cell(self.shell, source)
        try:
            exec(code, self.user_ns)
        except BaseException as exc:  # noqa: BLE001 - IPython reports every exception of a cell too
            return describe(exc)
        return None

    def _plain(self, source):
        """The cell's code object if plain Python runs it as IPython would, else None."""
        lines = source.splitlines(keepends=True)
        first = next((i for i, line in enumerate(lines) if line and not line.isspace()), len(lines))
        text = "".join(lines[first:])
        if not text or text[0] in " \t" or PROMPT_LINE.search(text) or "__future__" in text:
            return None
        self.count += 1
        name = f"<cell-{self.count}>"
        try:
            code = compile(text, name, "exec", dont_inherit=True)
        except (SyntaxError, ValueError, OverflowError, MemoryError, RecursionError):
            return None  # IPython may make it Python (magics, escapes), or says what is wrong
        if _reads(code, IPYTHON_NAMES):
            return None
        linecache.cache[name] = (len(text), None, text.splitlines(keepends=True), name)  # for tracebacks
        return code


def _reads(code, names):
    """True if ``code`` (or a function or class inside it) reads a global in ``names``."""
    if names.intersection(code.co_names):
        import dis

        loads = ("LOAD_NAME", "LOAD_GLOBAL", "DELETE_NAME", "DELETE_GLOBAL")
        if any(i.opname in loads and i.argval in names for i in dis.get_instructions(code)):
            return True
    return any(_reads(c, names) for c in code.co_consts if isinstance(c, types.CodeType))


def start_shell(module=None):
    """An IPython shell (magics work as in Jupyter) with no history file and no colours.

    module: the notebook's ``__main__`` (its namespace is kept). matplotlib is not imported
    here (a fifth of a worker's start): the environment's MPLBACKEND=Agg picks the backend
    when a student's cell imports it. What only concerns display cannot fail a cell:
    ``%matplotlib`` (inline, notebook, widget, qt, ...) keeps that off-screen backend,
    a GUI event loop is never started, and ``!cmd`` escapes print that they were skipped
    (a notebook that installs a package with ``!pip`` keeps its functions).
    """
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.text import SList
    from traitlets.config import Config

    cfg = Config()
    cfg.HistoryManager.enabled = False
    cfg.InteractiveShell.colors = "nocolor"
    shell = InteractiveShell.instance(config=cfg, user_module=module)
    shell.enable_gui = lambda gui=None: None
    shell.system = lambda cmd: print(NO_SHELL.format(cmd))
    shell.getoutput = lambda cmd, split=True, depth=0: print(NO_SHELL.format(cmd)) or SList()
    shell.register_magic_function(_matplotlib, "line", "matplotlib")
    return shell


def _matplotlib(line=""):
    """``%matplotlib ...`` while grading: figures are drawn off-screen (Agg) and never shown."""
    import matplotlib  # noqa: F401 - what the magic imports in Jupyter too


def neuter_process_spawning():
    """Close the one door to new processes that raises no audit event."""
    import _posixsubprocess

    def refuse(*args, **kwargs):
        raise PermissionError("grading sandbox: starting processes is not allowed")
    # os.register_at_fork stays: it starts nothing, and libraries call it at import
    # (matplotlib.font_manager does; refusing it broke every student's plot).
    _posixsubprocess.fork_exec = refuse


def describe(exc: BaseException, with_type: bool = True) -> str:
    """'Type: message (line N)', the line being in the student's own code."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith("<")]
    where = f" (line {frames[-1].lineno})" if frames else ""
    try:
        text = short(str(exc))
    except BaseException:  # noqa: BLE001 - a __str__ that raises is the student's
        text = "(its message could not be shown)"
    if isinstance(exc, SyntaxError) and exc.lineno:  # str() names IPython's cell file: say the line only
        text, where = short(str(exc.msg or "invalid syntax")), f" (line {exc.lineno})"
    if not with_type:
        return f"{text or 'no message'}{where}"
    return f"{type(exc).__name__}{': ' + text if text else ''}{where}"


def short(text: str) -> str:
    """``text`` cut to ``MESSAGE_CHARS`` characters."""
    return text if len(text) <= MESSAGE_CHARS else text[:MESSAGE_CHARS] + " …"


def run_cell(shell, source: str) -> str | None:
    """Run one cell; return None or a description of its error."""
    result = shell.run_cell(source, store_history=False)
    err = result.error_before_exec or result.error_in_exec
    return None if err is None else describe(err)


def lookup(shell: Cells, name: str, wire: types.ModuleType) -> dict:
    """What ``name`` is in the student's namespace: a callable, data, or missing."""
    if name not in shell.user_ns:
        return {"kind": "missing"}
    value = shell.user_ns[name]
    if callable(value) and not isinstance(value, type):
        return {"kind": "callable"}
    try:
        wire.encode(value, [])
    except wire.Unserializable as exc:
        return {"kind": "bad", "type": short(str(exc))}
    return {"kind": "value", "value": value}


def call(shell: Cells, request: dict, wire: types.ModuleType) -> dict:
    """Call a student's function; send back its result and every argument it could have changed.

    The grader compares those arguments with what it sent, and expects every one
    that ``wire.mutable`` names (a submission that patches this process cannot make
    the grader's comparison lie, nor leave an argument out).
    Positional arguments are sent back under their index, keyword ones under "=name".
    """
    fn = shell.user_ns.get(request["name"])
    if not callable(fn):
        return {"ok": False, "etype": "NameError", "error": f"{request['name']} is not a function"}
    args, kwargs = request["args"], request["kwargs"]
    try:
        result = fn(*args, **kwargs)
    except BaseException as exc:  # noqa: BLE001 - the student's error, including SystemExit
        return {"ok": False, "etype": type(exc).__name__[:100], "error": describe(exc, with_type=False)}
    after = {str(i): a for i, a in enumerate(args) if wire.mutable(a)}
    after.update({"=" + k: v for k, v in kwargs.items() if wire.mutable(v)})
    try:
        wire.pack({"result": result})
    except wire.Unserializable as exc:
        return {"ok": False, "etype": "TypeError",
                "error": f"returned {exc}, which cannot be sent to the grader: return plain data, that is "
                         "NumPy arrays of numbers, numbers (of at most 64 bits), strings, None, and "
                         "tuples, lists or dicts (with string keys) of those"}
    return {"ok": True, "result": result, "after": after}


def serve(shell: Cells, wire: types.ModuleType, fd_in: int, fd_out: int) -> None:
    """Answer requests until 'bye' or end of input."""
    read = wire.fd_reader(fd_in)
    while True:
        try:
            request = wire.read_message(read, fixtures=True, max_meta=REQUEST_META, max_blob=REQUEST_BLOB)
        except EOFError:
            return
        op = request["op"]
        if op == "bye":
            return
        if op == "run":
            reply = {"error": shell.run(request["source"])}
        elif op == "get":
            reply = lookup(shell, request["name"], wire)
        else:
            reply = call(shell, request, wire)
        try:
            data = wire.pack(reply)
        except Exception as exc:  # noqa: BLE001 - must answer whatever happened
            data = wire.pack({"ok": False, "etype": "TypeError", "error": short(str(exc))})
        wire.write_all(fd_out, data)


def main() -> None:
    """Run as the worker: argv is FD_IN FD_OUT CONFIG_JSON (home, memory_mb, output_mb, nproc, deny_read,
    check_paths, forbidden_modules: ``remote.Worker._start``); never returns."""
    fd_in, fd_out, config = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import wire
    sys.path.pop(0)
    os.chdir(config["home"])
    set_limits(config["memory_mb"], config["output_mb"], config.get("nproc"))
    import numpy  # noqa: F401 - load before the hook, it reads many files
    shell = Cells()
    neuter_process_spawning()
    sys.addaudithook(make_hook(config))
    wire.write_all(fd_out, wire.pack({"ready": True}))
    serve(shell, wire, fd_in, fd_out)
    os._exit(0)  # skip interpreter teardown: student threads must not delay the exit


if __name__ == "__main__":
    main()
