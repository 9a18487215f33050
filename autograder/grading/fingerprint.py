"""Fingerprints of code that survive renaming and reformatting: normalized tokens, k-grams, winnowing.

A cell's code becomes a list of normalized tokens (Python's token kinds; see ``_raw_tokens``):

- names a student chooses (locals, parameters, their own helpers) become ``V``;
  names a student cannot choose stay: keywords, builtins, names the course
  provides (``sigmoid``, the graded functions, ``check_...``), attribute names
  (``.reshape``, ``.T``), keyword arguments (``axis=``), and imported names,
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
                except (SyntaxError, ValueError):
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
    """[(kind, text, start, end)] of ``code``: Python's token kinds and texts, character offsets.

    One regular expression over the whole cell, used for valid and broken code
    alike (a copy with a syntax error added still matches its original). On every
    code cell of the course it gives the tokens ``tokenize`` gives (comments, blank
    lines and indentation left out; tests check it), about four times faster.
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


def normalize(code, names):
    """([normalized token], [(start, end) offset in ``code`` of each]) of one cell.

    ``names``: {name: spelling} of the names that keep a meaning (imports, builtins,
    provided helpers); every other name is ``V``.
    """
    raw = _raw_tokens(code)
    tokens, spans = [], []
    depth = 0

    def emit(text, start, end):
        tokens.append(text)
        spans.append((start, end))

    for i, (kind, text, start, end) in enumerate(raw):
        before = raw[i - 1] if i else None
        after = raw[i + 1] if i + 1 < len(raw) else None
        if kind == tokenize.OP:
            if text in "([{":
                depth += 1
            elif text in ")]}":
                depth = max(0, depth - 1)
            if text == ";":
                if tokens and tokens[-1] != ";":
                    emit(";", start, end)
            elif not (text == "," and after is not None and after[1] in ")]}"):
                emit(text, start, end)
        elif kind == tokenize.NEWLINE:
            if tokens and tokens[-1] != ";":
                emit(";", start, end)
        elif kind == tokenize.STRING:
            if _bare_string(raw, i):
                continue
            if tokens and tokens[-1] == "S" and before is not None and before[0] == tokenize.STRING:
                spans[-1] = (spans[-1][0], end)  # "a" "b": one string
            else:
                emit("S", start, end)
        elif kind == tokenize.NUMBER:
            emit("N", start, end)
        elif kind == tokenize.NAME:
            if before is not None and before[1] == "." and before[0] == tokenize.OP:
                emit(text, start, end)  # an attribute: .reshape, .T
            elif depth and after is not None and after[1] == "=" and after[0] == tokenize.OP:
                emit(text, start, end)  # a keyword argument: axis=
            else:
                emit(names.get(text, text if text in FIXED_NAMES else "V"), start, end)
        elif text.strip():
            emit(text, start, end)
    while tokens and tokens[-1] == ";":
        tokens.pop()
        spans.pop()
    return tokens, spans


def _bare_string(raw, i):
    """True if the string at ``raw[i]`` is a statement of its own (a docstring): it means nothing to run."""
    j = i
    while j > 0 and raw[j - 1][0] == tokenize.STRING:
        j -= 1
    starts = j == 0 or raw[j - 1][0] == tokenize.NEWLINE or raw[j - 1][1] == ";"
    k = i
    while k + 1 < len(raw) and raw[k + 1][0] == tokenize.STRING:
        k += 1
    ends = k + 1 == len(raw) or raw[k + 1][0] == tokenize.NEWLINE or raw[k + 1][1] == ";"
    return starts and ends


_IDS = {}


def token_ids(tokens):
    """Stable integers for tokens (CRC-32: the same in every process, unlike ``hash`` of a str)."""
    ids = []
    for tok in tokens:
        value = _IDS.get(tok)
        if value is None:
            value = _IDS[tok] = zlib.crc32(tok.encode("utf-8", "surrogatepass"))
        ids.append(value)
    return ids


def kgram_hashes(tokens, k=KGRAM):
    """The hash of every k-gram of ``tokens`` (a hash of a tuple of ints is the same in every process)."""
    ids = token_ids(tokens)
    return [hash(tuple(ids[i:i + k])) for i in range(len(ids) - k + 1)]


def own_kgrams(tokens, base, k=KGRAM):
    """The k-gram hashes of ``tokens``, None for each k-gram that touches a passage of provided code.

    A token is provided when a k-gram of the provided code (``base``) covers it;
    a k-gram with any provided token is not the student's own (so neither are
    k-grams that join two pieces of provided code pasted one after the other).
    """
    hashes = kgram_hashes(tokens, k)
    covered = [0] * (len(tokens) + 1)  # +1 where a provided passage starts, -1 past its end
    for i, value in enumerate(hashes):
        if value in base:
            covered[i] += 1
            covered[i + k] -= 1
    inside, provided = 0, [0]
    for step in covered[:-1]:
        inside += step
        provided.append(provided[-1] + (inside > 0))  # prefix counts of provided tokens
    return [None if provided[i + k] - provided[i] else value for i, value in enumerate(hashes)]


def winnow(hashes, w=WINDOW):
    """{hash: position} selected by winnowing ``hashes``; a None (provided code) is never selected.

    The rightmost smallest hash of each window of ``w`` is kept; a sequence
    shorter than a window keeps its smallest hash.
    """
    # None stays in the sequence as a gap, so a window of provided code selects nothing.
    values = hashes
    chosen, last = {}, -1
    for start in range(max(1, len(values) - w + 1)):
        best = None
        for j in range(start, min(start + w, len(values))):
            if values[j] is not None and (best is None or values[j] <= values[best]):
                best = j
        if best is not None and best != last:
            chosen.setdefault(values[best], best)
            last = best
    return chosen


def cell_key(name):
    """An integer for a cell's key (its notebook and grade_id), mixed into its fingerprints."""
    return zlib.crc32(name.encode("utf-8", "surrogatepass"))


def fingerprints(cells, names, base, k=KGRAM, w=WINDOW):
    """{fingerprint: (cell key, token position)} of one student's cells {key: code}.

    A fingerprint is the hash of (cell key, k-gram hash): a passage matches only the
    same exercise's cell. ``base``: k-gram hashes of the provided code, whose passages are left out.
    """
    found = {}
    for key, code in cells.items():
        tokens, _ = normalize(code, names)
        mark = cell_key(key)
        for value, position in winnow(own_kgrams(tokens, base, k), w).items():
            found.setdefault(hash((mark, value)), (key, position))
    return found


def provided_kgrams(codes, names, k=KGRAM):
    """Every k-gram hash of the code given to students (the base, as in MOSS's ``-b``)."""
    base = set()
    for code in codes:
        base.update(kgram_hashes(normalize(code, names)[0], k))
    return frozenset(base)
