"""Fingerprints of code that survive renaming and reformatting: normalized tokens, k-grams, winnowing.

A cell's code becomes a list of normalized tokens (Python's token kinds; see ``_raw_tokens``):

- names a student chooses (locals, parameters, their own helpers) become ``V``;
  names a student cannot choose stay: keywords, builtins, names the course
  provides (``sigmoid``, the graded functions, ``check_...``), attribute names
  (``.reshape``, ``.T``), keyword arguments of calls (``axis=``), and imported names,
  spelled as imported (``import numpy as xp`` makes ``xp`` read ``numpy``), so
  ``np.tensordot`` and ``@`` stay different;
- numbers become ``N``, strings ``S``; docstrings and other bare strings,
  comments, blank lines, indentation and line breaks inside brackets vanish;
  ``;`` and the end of a statement are one token; a trailing comma before a
  closing bracket is dropped (formatters add it).

Code that Python would reject (a syntax error, an unterminated string, bad
indentation) is lexed the same way: it is compared, not rejected. Nothing is run.

Every k consecutive tokens (a k-gram) is hashed; winnowing (Schleimer, Wilkerson
and Aiken, SIGMOD 2003, the method of MOSS) keeps the smallest hash of every
window of ``w`` consecutive k-grams, which guarantees that any passage of at
least ``w + k - 1`` tokens shared by two cells yields a shared fingerprint.
K-grams that occur in the code given to students are never fingerprints.
"""

import ast
import builtins
import keyword
import re
import tokenize
import zlib
from dataclasses import dataclass

#: Tokens per k-gram: shorter matches are noise (``return V . sum ( )`` is in everyone's code).
KGRAM = 6
#: Winnowing window (k-grams): any shared passage of KGRAM + WINDOW - 1 tokens is found.
WINDOW = 4
#: Names nobody chooses: they keep their spelling.
FIXED_NAMES = frozenset(dir(builtins)) | frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)
#: The lexer: comments and line continuations (skipped), strings (any prefix, triple-quoted too; an
#: unterminated one runs to the end of its line or of the cell), numbers, names, line ends, operators.
_LEXER = re.compile(r"""
    (?P<skip>\#[^\n]*|\\\r?\n)
  | (?P<string>(?:[rRbBuUfF]{1,2})?(?:'''(?:\\.|[^\\])*?(?:'''|\Z)|\"\"\"(?:\\.|[^\\])*?(?:\"\"\"|\Z)
                |'(?:\\.|[^'\\\n])*'?|"(?:\\.|[^"\\\n])*"?))
  | (?P<number>0[xXoObB][\da-fA-F_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][-+]?\d[\d_]*)?[jJ]?)
  | (?P<name>[^\W\d]\w*)
  | (?P<newline>\n)
  | (?P<op>\*\*=?|//=?|>>=?|<<=?|->|:=|\.\.\.|[-+*/%@&|^<>=!]=|[^\s\w])
""", re.VERBOSE)
_KINDS = dict(string=tokenize.STRING, number=tokenize.NUMBER, name=tokenize.NAME, newline=tokenize.NEWLINE,
              op=tokenize.OP)
_OPEN, _CLOSE = frozenset("([{"), frozenset(")]}")
#: Normalized tokens that name nothing: placeholders and punctuation.
_PLAIN = frozenset({"V", "N", "S", ";"}) | frozenset("()[]{}.,:=+-*/%@<>&|^~!")


def aliases(code):
    """{name bound by an import in ``code``: what it names} (``np`` -> ``numpy``, ``F`` -> ``torch.nn.functional``).

    Read with ``ast`` (never run); a cell that does not parse is read line by line.
    """
    if "import" not in code:
        return {}
    try:
        trees = [ast.parse(code)]
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        trees = []
        for line in code.splitlines():
            if line.lstrip().startswith(("import ", "from ")):
                try:
                    trees.append(ast.parse(line.strip()))
                except (SyntaxError, ValueError, RecursionError, MemoryError):  # hostile nesting
                    continue
    found = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    top = alias.name.split(".")[0]
                    found[alias.asname or top] = alias.name if alias.asname else top
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    found[alias.asname or alias.name] = alias.name
    return found


def _raw_tokens(code):
    """[(kind, text, start, end)] of ``code``: the lexer's tokens with Python's token kinds.

    The lexer is one regular expression over the whole cell, used for valid and
    broken code alike (a copy with a syntax error added still matches its
    original), and faster than ``tokenize``. ``normalize`` reads the same matches;
    this function shows them as ``tokenize`` would, so that a test can check that
    on every code cell of the course they are the tokens ``tokenize`` gives
    (comments, blank lines and indentation left out).
    """
    out, depth = [], 0
    for match in _LEXER.finditer(code):
        kind = match.lastgroup
        if kind == "skip":
            continue
        text = match.group()
        if kind == "op":
            if text in "([{":
                depth += 1
            elif text in ")]}":
                depth = max(0, depth - 1)
        elif kind == "newline" and (depth or not out or out[-1][0] == tokenize.NEWLINE):
            continue  # a line break inside brackets, or a blank line
        out.append((_KINDS[kind], text, match.start(), match.end()))
    return out


def normalize(code, names, spans=False):
    """(normalized tokens, their (start, end) offsets in ``code`` or None) of one cell.

    ``names``: {name: spelling} of the names that keep a meaning (imports, builtins,
    provided helpers); every other name is ``V``. One pass over the lexer's matches
    (the hot loop of a class's comparison: no call per token).
    """
    tokens, where = [], ([] if spans else None)
    depth, stmt, last_kind, last_name, signature = 0, 0, None, "", 0
    for match in _LEXER.finditer(code):
        kind = match.lastgroup
        if kind == "skip":
            continue
        text = match.group()
        if kind == "name":
            out = text if last_kind == "." else names.get(text) or (text if text in FIXED_NAMES else "V")
            last_name = text
        elif kind == "op":
            if text in _OPEN:
                depth += 1
                if len(tokens) > 1 and tokens[-2] == "def":
                    signature = depth  # a def's parameters: x=1 is a parameter (renamable), not axis=
            elif text in _CLOSE:
                signature = 0 if depth == signature else signature
                depth = max(0, depth - 1)
                if tokens and tokens[-1] == "," and last_kind == ",":  # a formatter's trailing comma
                    tokens.pop()
                    if spans:
                        where.pop()
            elif text == "=" and depth and last_kind == "name" and depth != signature:
                tokens[-1] = last_name  # a keyword argument keeps its name: axis=
            if text == ";":
                kind = "newline"
            out = text
        elif kind == "string":
            if last_kind == "string":  # "a" "b": one string
                if spans:
                    where[-1] = (where[-1][0], match.end())
                continue
            out = "S"
        elif kind == "number":
            out = "N"
        else:
            out = ""
        if kind == "newline":
            if depth:
                continue  # a line break inside brackets
            if all(t == "S" for t in tokens[stmt:]):  # a docstring or other bare string: nothing runs
                del tokens[stmt:]
                if spans:
                    del where[stmt:]
            if tokens and tokens[-1] != ";":
                tokens.append(";")
                if spans:
                    where.append((match.start(), match.end()))
            stmt, last_kind = len(tokens), ";"
            continue
        tokens.append(out)
        if spans:
            where.append((match.start(), match.end()))
        last_kind = kind if kind != "op" else (text if text in (".", ",") else "op")
    if all(t == "S" for t in tokens[stmt:]):
        del tokens[stmt:]
        if spans:
            del where[stmt:]
    while tokens and tokens[-1] == ";":
        tokens.pop()
        if spans:
            where.pop()
    return tokens, where


_IDS = {}
#: Multipliers of the k-gram and fingerprint hashes (odd 64-bit constants; arithmetic wraps modulo 2**64).
_P, _Q = 0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F


def token_ids(tokens):
    """Stable integers for tokens (CRC-32: the same in every process, unlike ``hash`` of a str)."""
    for tok in set(tokens).difference(_IDS):
        _IDS[tok] = zlib.crc32(tok.encode("utf-8", "surrogatepass"))
    return list(map(_IDS.__getitem__, tokens))


def kgram_hashes(tokens, k=KGRAM):
    """The 64-bit hash of every k-gram of ``tokens``: a uint64 array of ``len(tokens) - k + 1`` (or empty)."""
    import numpy as np

    ids = np.array(token_ids(tokens), dtype=np.uint64)
    count = len(ids) - k + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    hashes = np.zeros(count, dtype=np.uint64)
    for j in range(k):
        hashes = hashes * np.uint64(_P) + ids[j:j + count]  # polynomial hash, wrapping (never a warning)
    return hashes


@dataclass(frozen=True)
class Provided:
    """The code given to students, as it is recognised in a student's cell.

    ``kgrams``: the hash of every k-gram of it (the base, as in MOSS's ``-b``);
    ``statements``: its statements shorter than a k-gram that call something by
    name (``check_mse(mse)``, ``raise NotImplementedError()``), as token tuples,
    which no k-gram covers.
    """

    kgrams: frozenset = frozenset()
    statements: frozenset = frozenset()


def provided(codes, names, k=KGRAM):
    """The Provided of the given ``codes`` (normalized with ``names``)."""
    kgrams, statements = set(), set()
    for code in codes:
        tokens = normalize(code, names)[0]
        kgrams.update(kgram_hashes(tokens, k).tolist())
        for _, statement in _statements(tokens):
            if len(statement) < k and any(t not in _PLAIN and t not in keyword.kwlist for t in statement):
                statements.add(statement)
    return Provided(frozenset(kgrams), frozenset(statements))


def _statements(tokens):
    """The statements of normalized ``tokens`` (between ``;``): [(start index, token tuple)]."""
    ends = [i for i, tok in enumerate(tokens) if tok == ";"] + [len(tokens)]
    starts = [0] + [i + 1 for i in ends[:-1]]
    return [(i, tuple(tokens[i:j])) for i, j in zip(starts, ends) if j > i]


def own_kgrams(tokens, given, k=KGRAM):
    """(k-gram hashes of ``tokens``, a bool array: True where a k-gram is the student's own).

    A token is provided when a k-gram of the provided code covers it, or when it
    is part of a short provided statement (``given``, a Provided); a k-gram with
    any provided token is not the student's own (so neither are k-grams that join
    two pieces of provided code pasted together).
    """
    import numpy as np

    hashes = kgram_hashes(tokens, k)
    change = np.zeros(len(tokens) + 1, dtype=np.int64)  # +1 where a provided piece starts, -1 past its end
    starts = np.array([i for i, value in enumerate(hashes.tolist()) if value in given.kgrams], dtype=np.int64)
    np.add.at(change, starts, 1)
    np.add.at(change, starts + k, -1)
    if given.statements:
        for at, statement in _statements(tokens):
            if statement in given.statements:
                change[at] += 1
                change[at + len(statement)] -= 1
    provided_tokens = np.concatenate([[0], np.cumsum(np.cumsum(change[:-1]) > 0)])
    return hashes, provided_tokens[k:k + len(hashes)] == provided_tokens[:len(hashes)]


def winnow(hashes, own, w=WINDOW):
    """Positions selected by winnowing ``hashes`` (uint64) where ``own``; others are never selected.

    The rightmost smallest hash of each window of ``w`` is kept (once, however many
    windows select it); a sequence shorter than a window keeps its smallest hash.
    """
    import numpy as np

    top = np.iinfo(np.uint64).max
    values = np.where(own, hashes, np.uint64(top))  # provided k-grams stay as gaps: never the minimum
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(values) < w:
        best = np.array([len(values) - 1 - int(np.argmin(values[::-1]))])
    else:
        windows = np.lib.stride_tricks.sliding_window_view(values, w)[:, ::-1]
        best = np.arange(len(windows)) + (w - 1) - np.argmin(windows, axis=1)
        best = best[np.concatenate([[True], best[1:] != best[:-1]])]  # never decreasing: drop repeats
    return best[own[best]]


def cell_key(name):
    """An integer for a cell's key (its notebook and grade_id), mixed into its fingerprints."""
    return zlib.crc32(name.encode("utf-8", "surrogatepass"))


def keyed(hashes, key):
    """The fingerprints of k-gram ``hashes`` in the cell ``key`` (int64: a passage matches only the same cell)."""
    import numpy as np

    return (hashes * np.uint64(_Q) + np.uint64(cell_key(key))).view(np.int64)


def fingerprints(cells, names, given, k=KGRAM, w=WINDOW):
    """{fingerprint: (cell key, token position)} of one student's cells {key: code}.

    ``given``: the Provided code, whose passages are left out.
    """
    found = {}
    for key, code in cells.items():
        hashes, own = own_kgrams(normalize(code, names)[0], given, k)
        chosen = winnow(hashes, own, w)
        for value, position in zip(keyed(hashes[chosen], key).tolist(), chosen.tolist()):
            found.setdefault(value, (key, position))
    return found
