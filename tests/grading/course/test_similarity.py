"""The similarity report: copies found through renaming and reformatting; honest variants, stubs,
provided code and the obvious answer of a whole class not flagged; hostile ids and code escaped."""

import csv
import io
import json
import random
import tokenize
from pathlib import Path

import numpy as np
import pytest

from autograder.grading.course import fingerprint, similarity
from autograder.grading.records import similarity_report
from autograder.grading.student.notebook import load_source

ROOT = Path(__file__).resolve().parents[3]
MNIST, LOSSES, CNN = "03_forward_mnist", "04_softmax_losses", "10_cnn"
#: The default threshold, named: every verdict below is against it.
T = similarity.THRESHOLD


def reference(assignment):
    """The solution cells as a student who wrote them hands them in (markers gone, docstrings kept)."""
    src = load_source(ROOT / "solutions" / assignment / f"{assignment}.ipynb")
    return {gid: "\n".join(line for line in code.splitlines() if "### " not in line) + "\n"
            for gid, code in src.solutions.items()}


def notebook(assignment, answers=None, added=()):
    """The released notebook with solution cells replaced by ``answers`` and code cells ``added`` at the end."""
    nb = json.loads((ROOT / "exercises" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if answers and gid in answers:
            cell["source"] = answers[gid]
    nb["cells"] += [{"cell_type": "code", "metadata": {}, "source": code, "outputs": [], "execution_count": None}
                    for code in added]
    return nb


def make_class(folder, assignment, notebooks):
    """nbgrader's layout: folder/<id>/<assignment>/<assignment>.ipynb; a str is written as it is."""
    for sid, nb in notebooks.items():
        path = folder / sid / assignment / f"{assignment}.ipynb"
        path.parent.mkdir(parents=True)
        path.write_text(nb if isinstance(nb, str) else json.dumps(nb), encoding="utf-8")
    return folder


def compare(folder, assignment, **options):
    return similarity.compare(assignment, folder, ROOT, similarity.Options(**options))


def flagged(result):
    return {(p.a, p.b) for p in result.flagged}


def pair_similarity(result, a, b):
    """The similarity of a and b (0 when they share nothing counted, so no pair was listed)."""
    a, b = sorted((a, b))
    return next((p.similarity for p in result.pairs if (p.a, p.b) == (a, b)), 0.0)


# --- 03_forward_mnist: the reference, a disguised copy of it, honest variants written differently ---

DISGUISED_MNIST = {
    "one_hot": '''def one_hot(labels, num_classes):
    res = np.zeros(
        (len(labels), num_classes,),
    )

    res[np.arange(len(labels)), labels] = 1.
    return res
''',
    "flatten": "def flatten(images):\n    return images.reshape(images.shape[0],-1)\n",
    "mlp_forward": '''def mlp_forward(X, params):
    h = X
    for weight,bias in params:
        h = sigmoid(h@weight+bias)

    return h
''',
    "mse": "def mse(pred, target):\n    return np.mean( (pred-target)**2 )\n",
}

HONEST_MNIST = {
    "eye": {
        "one_hot": "def one_hot(labels, num_classes):\n    return np.eye(num_classes)[labels]\n",
        "flatten": "def flatten(images):\n    n = len(images)\n    return np.reshape(images, (n, -1))\n",
        "mlp_forward": '''def mlp_forward(X, params):
    h = X
    for layer in range(len(params)):
        W, b = params[layer]
        h = sigmoid(np.tensordot(h, W, axes=1) + b)
    return h
''',
        "mse": "def mse(pred, target):\n    d = pred - target\n    return float((d * d).sum() / d.size)\n",
    },
    "loops": {
        "one_hot": '''def one_hot(labels, num_classes):
    encoded = np.zeros((labels.shape[0], num_classes))
    for row, label in enumerate(labels):
        encoded[row, label] = 1.0
    return encoded
''',
        "flatten": "def flatten(images):\n    return images.reshape(len(images), int(np.prod(images.shape[1:])))\n",
        "mlp_forward": '''import functools


def mlp_forward(X, params):
    return functools.reduce(lambda a, layer: sigmoid(a @ layer[0] + layer[1]), params, X)
''',
        "mse": "def mse(pred, target):\n    return np.square(np.subtract(pred, target)).mean()\n",
    },
    "compare": {
        "one_hot": '''def one_hot(labels, num_classes):
    return (labels[:, None] == np.arange(num_classes)[None, :]).astype(float)
''',
        "flatten": "def flatten(images):\n    return np.stack([image.ravel() for image in images])\n",
        "mlp_forward": '''def mlp_forward(X, params):
    out, layer = X, 0
    while layer < len(params):
        weights, bias = params[layer]
        out = sigmoid(np.matmul(out, weights) + bias)
        layer += 1
    return out
''',
        "mse": "def mse(pred, target):\n    return float(np.mean(np.power(pred - target, 2)))\n",
    },
}


@pytest.fixture(scope="module")
def mnist_class(tmp_path_factory):
    """ref (the solution), copy (disguised), three honest students (one of whom wrote ref's obvious mse
    one-liner), two untouched stubs."""
    folder = tmp_path_factory.mktemp("mnist") / "class"
    notebooks = {"ref": notebook(MNIST, reference(MNIST)), "copy": notebook(MNIST, DISGUISED_MNIST),
                 "stub1": notebook(MNIST), "stub2": notebook(MNIST)}
    notebooks.update({name: notebook(MNIST, answers) for name, answers in HONEST_MNIST.items()})
    notebooks["compare"] = notebook(MNIST, dict(HONEST_MNIST["compare"], mse=reference(MNIST)["mse"]))
    return compare(make_class(folder, MNIST, notebooks), MNIST)


def test_a_disguised_copy_is_flagged_and_nothing_else(mnist_class):
    """Renamed locals, reformatting, comments and docstrings gone, 1.0 written 1.: still the same work."""
    assert flagged(mnist_class) == {("copy", "ref")}
    assert pair_similarity(mnist_class, "copy", "ref") >= 0.9
    assert mnist_class.flagged[0].cells[:1] != []  # the CSV names where the shared passages are


def test_honest_variants_are_not_flagged(mnist_class):
    """Loops against vectorized code, tensordot against @, eye against a comparison, the same obvious
    one-liner (ref and compare): each pair well below the threshold."""
    honest = ["ref", *HONEST_MNIST]
    for i, a in enumerate(honest):
        for b in honest[i + 1:]:
            assert pair_similarity(mnist_class, a, b) < T / 2, (a, b)


def test_untouched_stubs_are_not_compared(mnist_class):
    """The released notebook handed back: nothing of the student's own, so no pair, and a reason."""
    reasons = {s.student_id: s.reason for s in mnist_class.students if s.reason}
    assert set(reasons) == {"stub1", "stub2"}
    assert all("nothing of their own" in why for why in reasons.values())
    assert not any({"stub1", "stub2"} & {p.a, p.b} for p in mnist_class.pairs)


def test_the_threshold_is_the_line_between_flagged_and_not(tmp_path):
    """A student who copied half the notebook: flagged just below their similarity, not just above."""
    half = dict(DISGUISED_MNIST,  # one_hot and mlp_forward copied, flatten and mse their own
                flatten="def flatten(images):\n    return np.array([im.flatten() for im in images])\n",
                mse="def mse(pred, target):\n    err = (pred - target).ravel()\n"
                    "    return float(err @ err) / err.size\n")
    folder = make_class(tmp_path / "class", MNIST, {
        "ref": notebook(MNIST, reference(MNIST)), "half": notebook(MNIST, half),
        **{name: notebook(MNIST, answers) for name, answers in HONEST_MNIST.items()}})
    result = compare(folder, MNIST)
    level = pair_similarity(result, "half", "ref")
    assert 0.2 < level < 0.8, level
    below = similarity.score(result.students, similarity.Options(threshold=level - 0.05))
    above = similarity.score(result.students, similarity.Options(threshold=level + 0.05))
    assert {(p.a, p.b) for p in below if p.flagged} == {("half", "ref")}
    assert not any(p.flagged for p in above)


# --- provided code: shared by everyone, so never evidence ---

def provided_cells(assignment):
    """The code a student may copy around without writing it: setup, checks and test cells, the stubs."""
    nb = notebook(assignment)
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def test_sharing_only_the_provided_code_is_not_flagged(tmp_path, monkeypatch):
    """Two students who copy the setup (its sigmoid helper), the test calls and the stubs into a cell of their
    own, with different answers: not flagged; counted as their own, the same copies would flag them."""
    given = "\n\n".join(provided_cells(MNIST))
    folder = make_class(tmp_path / "class", MNIST, {
        "pia": notebook(MNIST, {"one_hot": HONEST_MNIST["eye"]["one_hot"]}, added=[given]),
        "quin": notebook(MNIST, {"one_hot": HONEST_MNIST["loops"]["one_hot"]}, added=[given]),
        "ref": notebook(MNIST, reference(MNIST)),
    })
    assert pair_similarity(compare(folder, MNIST), "pia", "quin") < T / 2
    monkeypatch.setattr(fingerprint, "provided", lambda codes, names, k=fingerprint.KGRAM: fingerprint.Provided())
    assert ("pia", "quin") in flagged(compare(folder, MNIST))


def test_the_provided_part_of_a_cell_is_not_the_students(tmp_path):
    """Students who answered one cell each (differently) and left the rest as stubs: not flagged."""
    folder = make_class(tmp_path / "class", MNIST, {
        "ro": notebook(MNIST, {"one_hot": HONEST_MNIST["eye"]["one_hot"]}),
        "sy": notebook(MNIST, {"one_hot": HONEST_MNIST["compare"]["one_hot"]}),
        "ty": notebook(MNIST, {"mse": HONEST_MNIST["loops"]["mse"]}),
    })
    result = compare(folder, MNIST)
    assert flagged(result) == set() and max((p.similarity for p in result.pairs), default=0.0) < T / 2


# --- the obvious answer: a whole class writing it is not a ring of copies ---

LOSS_VARIANTS = {
    "softmax": ['''def softmax(logits):
    shifted = logits - np.max(logits, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)
''', '''def softmax(logits):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
'''],
    "mae": ["def mae(pred, target):\n    return float(np.mean(np.abs(pred - target)))\n",
            "def mae(pred, target):\n    return np.abs(pred - target).mean()\n"],
    "rmse": ["def rmse(pred, target):\n    return float(np.sqrt(np.mean((pred - target) ** 2)))\n",
             "def rmse(pred, target):\n    return np.sqrt(((pred - target) ** 2).mean())\n",
             "def rmse(pred, target):\n    return float(np.linalg.norm(pred - target) / np.sqrt(pred.size))\n"],
}

RARE_CROSS_ENTROPY = '''def cross_entropy(logits, labels):
    total = 0.0
    for i in range(logits.shape[0]):
        row = logits[i] - logits[i].max()
        log_z = np.log(np.exp(row).sum())
        total += log_z - row[labels[i]]
    return float(total / logits.shape[0])
'''


def restyled(code, rng):
    """The same answer in a student's own style: locals renamed, spacing changed (not a copy's doing)."""
    for name in ("shifted", "e"):
        code = code.replace(f"{name} ", f"{name}_{rng.randint(0, 9)} ").replace(f"({name}", f"(x{name}")
    return code.replace(" - ", "-") if rng.random() < 0.5 else code


def test_a_class_writing_the_obvious_answers_is_not_flagged(tmp_path):
    """30 students, each cell one of two or three obvious answers in their own style: many pairs hand in
    the same code, none is flagged; two students who also share an unusual answer of their own are."""
    rng = random.Random(4)
    ref = reference(LOSSES)
    notebooks, picked = {}, {}
    for i in range(30):
        sid = f"st{i:02d}"
        picked[sid] = {gid: rng.randrange(len(options)) for gid, options in LOSS_VARIANTS.items()}
        answers = dict(ref, **{gid: restyled(LOSS_VARIANTS[gid][n], rng) for gid, n in picked[sid].items()})
        if i in (7, 19):
            answers["cross_entropy"] = RARE_CROSS_ENTROPY
        notebooks[sid] = notebook(LOSSES, answers)
    result = compare(make_class(tmp_path / "class", LOSSES, notebooks), LOSSES)
    assert flagged(result) == {("st07", "st19")}
    same = [(a, b) for a in picked for b in picked if a < b and picked[a] == picked[b]]
    assert len(same) > 10, "many pairs handed in the same answers (in their own styles), and none is flagged"


def test_everyone_handing_in_the_same_code_flags_nobody(tmp_path):
    """The extreme case: every student hands in the reference: common code, nobody flagged."""
    notebooks = {f"st{i}": notebook(LOSSES, reference(LOSSES)) for i in range(12)}
    result = compare(make_class(tmp_path / "class", LOSSES, notebooks), LOSSES)
    assert flagged(result) == set()


# --- 10_cnn: loops against sliding_window_view, the rest left as stubs ---

MAXPOOL = {
    "loops": '''def maxpool_forward(x, size=2, stride=2):
    n, c, h, w = x.shape
    h_out = (h - size) // stride + 1
    w_out = (w - size) // stride + 1
    out = np.empty((n, c, h_out, w_out))
    arg = np.empty((n, c, h_out, w_out), dtype=np.int64)
    for i in range(h_out):
        for j in range(w_out):
            patch = x[:, :, i * stride:i * stride + size, j * stride:j * stride + size].reshape(n, c, -1)
            arg[:, :, i, j] = patch.argmax(axis=2)
            out[:, :, i, j] = patch.max(axis=2)
    return out, (x.shape, size, stride, arg)
''',
    "windows": '''from numpy.lib.stride_tricks import sliding_window_view


def maxpool_forward(x, size=2, stride=2):
    windows = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    flat = windows.reshape(*windows.shape[:4], size * size)
    arg = flat.argmax(axis=-1)
    return flat.max(axis=-1), (x.shape, size, stride, arg)
''',
}


RENAMED_LOOPS = '''def maxpool_forward(x, size=2, stride=2):
    B, C, H, W = x.shape
    ho = (H-size)//stride+1
    wo = (W-size)//stride+1
    pooled = np.empty((B, C, ho, wo))
    idx = np.empty((B, C, ho, wo), dtype=np.int64)
    for r in range(ho):
        for s in range(wo):
            blk = x[:, :, r*stride:r*stride+size,
                    s*stride:s*stride+size].reshape(B, C, -1)
            idx[:, :, r, s] = blk.argmax(axis=2)
            pooled[:, :, r, s] = blk.max(axis=2)
    return pooled, (x.shape, size, stride, idx)
'''


def test_loops_and_sliding_window_view_are_not_flagged_but_a_renamed_copy_is(tmp_path):
    """Students who answered two cells and left the others as stubs: a renamed, reformatted copy of the loops
    is flagged; loops against windows, or against the reference's loops, are not."""
    answers = dict(reference(CNN))
    loops = {"maxpool_forward": MAXPOOL["loops"], "conv_output_size": answers["conv_output_size"]}
    windows = {"maxpool_forward": MAXPOOL["windows"], "conv_output_size": answers["conv_output_size"]}
    renamed = {"maxpool_forward": RENAMED_LOOPS, "conv_output_size": answers["conv_output_size"]}
    folder = make_class(tmp_path / "class", CNN, {"lo": notebook(CNN, loops), "wi": notebook(CNN, windows),
                                                  "re": notebook(CNN, renamed), "ref": notebook(CNN, answers)})
    result = compare(folder, CNN)
    assert flagged(result) == {("lo", "re")}
    assert pair_similarity(result, "lo", "wi") < T / 2 and pair_similarity(result, "ref", "wi") < T / 2


# --- normalization ---

def tokens(code, names=None):
    return fingerprint.normalize(code, names or {})[0]


def test_normalization_ignores_names_literals_comments_and_layout():
    a = 'def f(x, w):\n    """Doc."""\n    out = x @ w + 1.0  # project\n    return out\n'
    b = "def f(inp,weights):\n\n    result=(inp@weights+2)\n    return result\n"
    assert tokens(a) != tokens(b)  # the parentheses are code
    b = "def f(inp,weights):\n\n    result=inp@weights+2\n    return result\n"
    assert tokens(a) == tokens(b)
    assert tokens("y = f(a, b,)") == tokens("y = f(\n    a,\n    b\n)")  # a formatter's trailing comma


def test_normalization_keeps_what_a_student_cannot_rename():
    """Attributes, keyword arguments, builtins and imported names keep their spelling (aliases resolved)."""
    names = fingerprint.aliases("import numpy as np")
    assert tokens("z = np.tensordot(x, w, axes=1)", names) != tokens("z = x @ w", names)
    assert tokens("z = np.tensordot(x, w, axes=1)", names) == tokens(
        "q = xp.tensordot(a, b, axes=1)", fingerprint.aliases("import numpy as xp"))
    assert tokens("s = x.sum(axis=0)") != tokens("s = x.mean(axis=0)")
    assert tokens("n = len(x)") != tokens("n = abs(x)")
    assert "sliding_window_view" in tokens(
        "v = swv(x, 2)", fingerprint.aliases("from numpy.lib.stride_tricks import sliding_window_view as swv"))


def test_broken_code_is_compared_not_rejected():
    """A syntax error, an unterminated string, bad indentation: tokens all the same; a copy with a syntax
    error added still shares its original's fingerprints."""
    nested = "import numpy as np; x = " + "-" * 200_000 + "1"  # too deep for Python's parser
    for code in ("def f(:\n  x = 'abc\n", "if x:\n  y = 1\n z = 2\n", '"""never closed\nx = 1', "\\", "", nested):
        fingerprint.normalize(code, fingerprint.aliases(code))
    good = reference(MNIST)["mlp_forward"]
    broken = good.replace("return a", "return a)")
    mine = fingerprint.fingerprints({"k": good}, {}, fingerprint.Provided())
    theirs = fingerprint.fingerprints({"k": broken}, {}, fingerprint.Provided())
    assert len(mine.keys() & theirs.keys()) >= len(mine) - 2


def test_the_lexer_gives_the_tokens_of_tokenize_on_every_cell_of_the_course():
    """The lexer is one regular expression (fast, and the same for broken code); on valid code it must agree
    with Python's tokenize, token for token."""
    skipped = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.INDENT, tokenize.DEDENT,
               tokenize.ENDMARKER}
    cells = 0
    for path in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        src = load_source(path)
        for code in [*src.setup, *src.checks, *src.solutions.values(), *(t.source for t in src.tests)]:
            expected = [(t.type, t.string) for t in tokenize.generate_tokens(io.StringIO(code).readline)
                        if t.type not in skipped and t.string]
            assert [(k, s) for k, s, _, _ in fingerprint._raw_tokens(code)] == expected, code
            cells += 1
    assert cells > 100
    assert [s for _, s, _, _ in fingerprint._raw_tokens("x = 1e-5 + 0x1F + 2j\n")] == \
        ["x", "=", "1e-5", "+", "0x1F", "+", "2j", "\n"]


def test_winnowing_finds_every_long_enough_shared_passage():
    """The guarantee: a passage of KGRAM + WINDOW - 1 tokens shared by two cells gives a shared fingerprint."""
    rng = random.Random(1)
    vocab = [f"t{i}" for i in range(50)]
    need = fingerprint.KGRAM + fingerprint.WINDOW - 1
    for _ in range(200):
        shared = [rng.choice(vocab) for _ in range(need)]
        a = [rng.choice(vocab) for _ in range(rng.randint(0, 30))] + shared + [rng.choice(vocab) for _ in range(9)]
        b = [rng.choice(vocab) for _ in range(rng.randint(0, 30))] + shared
        picked = [set(h[fingerprint.winnow(h, h == h)].tolist()) for h in map(fingerprint.kgram_hashes, (a, b))]
        assert picked[0] & picked[1]
    short = fingerprint.kgram_hashes([rng.choice(vocab) for _ in range(fingerprint.KGRAM - 1)])
    assert len(short) == 0 and len(fingerprint.winnow(short, short == short)) == 0


def test_provided_passages_are_left_out_even_pasted_together():
    """A k-gram touching provided code is not the student's own, nor one joining two provided pieces."""
    given = ["check_one_hot(one_hot, seed=3)\n", "check_flatten(flatten, n=2)\n"]
    names = {n: n for n in ("check_one_hot", "check_flatten", "one_hot", "flatten")}
    base = fingerprint.provided(given, names)
    pasted = fingerprint.normalize("".join(given), names)[0]
    assert not fingerprint.own_kgrams(pasted, base)[1].any()
    mine = fingerprint.normalize("x = np.zeros((3, 4)) + 1\n" + "".join(given), names)[0]
    assert fingerprint.own_kgrams(mine, base)[1].sum() == len(mine) - len(pasted) - fingerprint.KGRAM + 1
    # A statement shorter than a k-gram (a test call) is recognised whole, wherever it is pasted.
    given = fingerprint.provided(["check_mse(mse)\n", "import numpy as np\n"], {"check_mse": "check_mse"})
    mine = fingerprint.normalize("y = a + b\ncheck_mse(mse)\nz = q * 2\n", {"check_mse": "check_mse"})[0]
    plain = fingerprint.normalize("y = a + b\nmse(check)\nz = q * 2\n", {"check_mse": "check_mse"})[0]
    call = mine.index("check_mse")
    touching = [i for i in range(len(mine) - fingerprint.KGRAM + 1) if i <= call + 3 and call < i + fingerprint.KGRAM]
    assert list(np.flatnonzero(~fingerprint.own_kgrams(mine, given)[1])) == touching
    assert fingerprint.own_kgrams(plain, given)[1].all()


# --- the files written: CSV, HTML, reasons, hostile input ---

HOSTILE = '''def one_hot(labels, num_classes):
    # </pre><script>alert("x")</script>
    tag = "</pre><img src=x onerror=alert(1)>"
    hidden = "\u202e\ud800\x1b[31m"  # a bidi override, a lone surrogate, a terminal escape
    grid = np.zeros((len(labels), num_classes))
    grid[np.arange(len(labels)), labels] = 1.0
    extra = [tag for _ in range(3)] + [len(tag) * 2, tag.upper()]
    return grid
'''


def test_hostile_ids_and_code_are_escaped(tmp_path):
    """Ids from file names and code from students: shown as text, never as markup."""
    answers = dict(HONEST_MNIST["compare"], one_hot=HOSTILE)
    folder = tmp_path / "class"
    folder.mkdir()
    for sid in ("o'brien", "<img src=x onerror=alert(2)>", "=cmd|' -C calc'!A0"):
        (folder / f"{sid}.ipynb").write_text(json.dumps(notebook(MNIST, answers)))
    (folder / "ref.ipynb").write_text(json.dumps(notebook(MNIST, reference(MNIST))))
    result = compare(folder, MNIST)
    assert len(result.flagged) == 3
    csv_path, html_path = similarity_report.write(result, tmp_path / "out")
    page = html_path.read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page and "onerror=alert(1)>" not in page
    assert "&lt;/pre&gt;&lt;script&gt;" in page and "o&#x27;brien" in page
    assert page.count("<pre>") == page.count("</pre>")  # no code closed a block early
    assert "<mark>" in page
    assert "\u202e" not in page and "\x1b" not in page and "\\u202e" in page
    for row in csv.DictReader(csv_path.open(encoding="utf-8")):
        assert not row["student_a"].startswith(("=", "+", "-", "@")) and not row["student_b"].startswith("=")


def test_csv_has_flagged_pairs_first_and_a_reason_for_each_student_not_compared(tmp_path):
    folder = make_class(tmp_path / "class", MNIST, {
        "ref": notebook(MNIST, reference(MNIST)), "copy": notebook(MNIST, DISGUISED_MNIST),
        "eye": notebook(MNIST, HONEST_MNIST["eye"]), "mixed": notebook(MNIST, dict(HONEST_MNIST["eye"], mse="")),
        "broken": "{not json", "nocells": json.dumps({"nbformat": 4, "cells": "x"})})
    (folder / "empty" / MNIST).mkdir(parents=True)
    csv_path, html_path = similarity_report.write(compare(folder, MNIST), tmp_path / "out")
    rows = list(csv.reader(csv_path.open(encoding="utf-8")))
    assert rows[0] == list(similarity_report.COLUMNS)
    pairs = [r for r in rows[1:] if r[1]]
    assert [r[3] for r in pairs] == sorted((r[3] for r in pairs), reverse=True)  # yes before no
    assert pairs[0][:2] == ["copy", "ref"] and pairs[0][3] == "yes"
    assert all(0.0 <= float(r[2]) <= 1.0 for r in pairs)
    reasons = {r[0]: r[4] for r in rows[1:] if not r[1]}
    assert set(reasons) == {"broken", "nocells", "empty"}
    assert "not valid JSON" in reasons["broken"] and "no list of cells" in reasons["nocells"]
    assert "no notebook" in reasons["empty"]
    assert "broken" in html_path.read_text(encoding="utf-8")


def test_a_zip_and_loose_files_are_read_like_grade_reads_them(tmp_path):
    """Any layout grade reads: a zip of loose <id>.ipynb files."""
    import zipfile

    with zipfile.ZipFile(tmp_path / "class.zip", "w") as zf:
        zf.writestr("ref.ipynb", json.dumps(notebook(MNIST, reference(MNIST))))
        zf.writestr("copy.ipynb", json.dumps(notebook(MNIST, DISGUISED_MNIST)))
        zf.writestr("eye.ipynb", json.dumps(notebook(MNIST, HONEST_MNIST["eye"])))
    assert flagged(compare(tmp_path / "class.zip", MNIST)) == {("copy", "ref")}


# --- the command ---

def run_cli(capsys, *args):
    from autograder.cli import main

    code = main(["similarity", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_command_writes_both_files_and_replaces_only_its_own(tmp_path, capsys):
    folder = make_class(tmp_path / "class", MNIST, {"ref": notebook(MNIST, reference(MNIST)),
                                                     "copy": notebook(MNIST, DISGUISED_MNIST)})
    out = tmp_path / "report"
    code, printed, err = run_cli(capsys, MNIST, str(folder), "--out", str(out))
    assert code == 0, err
    assert "1 pair flagged" in printed and "copy and ref" in printed
    assert (out / "similarity.csv").exists() and (out / "similarity.html").exists()
    code, _, err = run_cli(capsys, MNIST, str(folder), "--out", str(out), "--threshold", "0.99")
    assert code == 0, err  # its own files are replaced
    (out / "similarity.csv").write_text("my notes\n")
    code, _, err = run_cli(capsys, MNIST, str(folder), "--out", str(out))
    assert code == 2 and "not overwritten" in err and len(err.strip().splitlines()) == 1
    assert (out / "similarity.csv").read_text() == "my notes\n"


@pytest.mark.parametrize("args, said", [
    ((MNIST, "nowhere"), "does not exist"),
    (("03_forward_mnst", "."), "did you mean 03_forward_mnist"),
    ((MNIST, ".", "--threshold", "1.5"), "at most 1"),
    ((MNIST, ".", "--threshold", "0"), "must be above 0"),
    ((MNIST, ".", "--common", "x"), "not a number"),
])
def test_command_errors_are_one_line(tmp_path, capsys, args, said):
    args = [a if a != "nowhere" else str(tmp_path / "nowhere") for a in args]
    try:
        code, _, err = run_cli(capsys, *args, "--out", str(tmp_path / "o"))
    except SystemExit as stop:  # argparse's own errors
        code, err = stop.code, capsys.readouterr().err
    assert code == 2 and said in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "o").exists()


def test_an_empty_class_is_one_line(tmp_path, capsys):
    (tmp_path / "class").mkdir()
    code, _, err = run_cli(capsys, MNIST, str(tmp_path / "class"), "--out", str(tmp_path / "o"))
    assert code == 2 and "empty" in err and len(err.strip().splitlines()) == 1


def test_grade_report_links_to_the_similarity_report(tmp_path, capsys):
    """grade --report writes similarity.csv and .html beside the class report, which links to them."""
    from autograder.cli import main

    folder = make_class(tmp_path / "class", MNIST, {"ref": notebook(MNIST, reference(MNIST)),
                                                     "copy": notebook(MNIST, DISGUISED_MNIST)})
    report = tmp_path / "out" / "report.html"
    report.parent.mkdir()
    code = main(["grade", MNIST, str(folder), "--out", str(tmp_path / "grades.csv"), "--quiet",
                 "--allow-weak-sandbox", "--report", str(report)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    page = report.read_text(encoding="utf-8")
    assert "Similar submissions" in page and 'href="similarity.html"' in page and "copy and ref" in page
    assert (report.parent / "similarity.html").exists() and (report.parent / "similarity.csv").exists()
    assert "similarity: 1 pair flagged" in printed.out


def test_grade_refuses_a_foreign_similarity_file_before_grading(tmp_path, capsys):
    from autograder.cli import main

    folder = make_class(tmp_path / "class", MNIST, {"ref": notebook(MNIST, reference(MNIST))})
    (tmp_path / "similarity.html").write_text("<p>mine</p>")
    code = main(["grade", MNIST, str(folder), "--out", str(tmp_path / "grades.csv"), "--quiet",
                 "--allow-weak-sandbox", "--report", str(tmp_path / "report.html")])
    err = capsys.readouterr().err
    assert code == 2 and "not overwritten" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "grades.csv").exists() and (tmp_path / "similarity.html").read_text() == "<p>mine</p>"


def test_student_code_is_never_run(tmp_path):
    """A cell that would write a file when run is only read."""
    marker = tmp_path / "ran"
    code = f"open({str(marker)!r}, 'w').write('x')\ndef one_hot(labels, num_classes):\n    return 1\n"
    folder = make_class(tmp_path / "class", MNIST, {"a": notebook(MNIST, {"one_hot": code}),
                                                     "b": notebook(MNIST, {"one_hot": code})})
    compare(folder, MNIST)
    assert not marker.exists()


def test_an_assignment_of_two_notebooks_compares_each_cell_with_its_own(tmp_path):
    """Cells are keyed by notebook and grade_id: a copy is found across both notebooks; a student who
    handed in one notebook, untouched, is listed with a reason."""
    course = tmp_path / "course"
    for part, source in (("part_a", "01_perceptron"), ("part_b", "02_xor_mlp")):
        for kind in ("solutions", "exercises"):
            (course / kind / "99_two").mkdir(parents=True, exist_ok=True)
            text = (ROOT / kind / source / f"{source}.ipynb").read_text(encoding="utf-8")
            (course / kind / "99_two" / f"{part}.ipynb").write_text(text, encoding="utf-8")
    answers = {"part_a": reference("01_perceptron"), "part_b": reference("02_xor_mlp")}
    released = {"part_a": "01_perceptron", "part_b": "02_xor_mlp"}
    folder = tmp_path / "class"
    for sid, parts in (("ann", ("part_a", "part_b")), ("ben", ("part_a", "part_b")), ("cy", ("part_a",))):
        for part in parts:
            path = folder / sid / "99_two" / f"{part}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            own = answers[part] if sid != "cy" else {}
            path.write_text(json.dumps(notebook(released[part], own)), encoding="utf-8")
    result = similarity.compare("99_two", folder, course)
    assert flagged(result) == {("ann", "ben")}
    assert {c.split("/")[0] for c in result.flagged[0].cells} == {"part_a", "part_b"}
    assert {s.student_id: s.reason for s in result.students}["cy"].startswith("nothing of their own")
