"""How long ``python -m autograder similarity`` takes on a large synthetic class, and what it flags.

For each assignment, a class of ``--students`` notebooks is written in nbgrader's
layout: every student starts from the reference answer of each solution cell and
changes it on their own (locals renamed, random statements added or dropped,
spacing, comments); ``--copies`` pairs are planted, the second a disguised copy of
the first (renamed locals, reformatted, comments removed, a line of its own in some cells).
Then the command runs in a fresh interpreter, timed, and its CSV is read back:
planted pairs found (recall) and other pairs flagged.

    .venv/bin/python bench/similarity.py                      # 1,000 students x 13 notebooks
    .venv/bin/python bench/similarity.py --students 200 --assignments 01_perceptron 10_cnn

Writes under --work (default: a temporary folder, removed); prints one line per
assignment and the total.
"""

import argparse
import copy
import csv
import io
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.grading.student.notebook import load_source, top_level_names  # noqa: E402

#: What students add of their own: random statements built from these pieces.
FUNCS = ["np.sum", "np.mean", "np.max", "np.abs", "np.sqrt", "np.exp", "np.log1p", "np.clip", "np.where",
         "np.maximum", "np.zeros_like", "np.ones_like", "np.transpose", "np.concatenate", "np.argmax",
         "np.cumsum", "np.diff", "np.squeeze", "np.expand_dims", "np.stack", "len", "float", "int", "abs"]
OPS = ["+", "-", "*", "/", "//", "**", "@", "%"]
KWARGS = ["axis=0", "axis=1", "axis=-1", "keepdims=True", "dtype=float", "out=None", ""]
NAMES = ["tmp", "acc", "val", "res", "buf", "aux", "part", "scale", "total", "step", "idx", "cur", "prev",
         "mask", "grad", "norm", "eps", "shift", "delta", "count"]


def strip_markers(code):
    """A solution cell without its ### BEGIN/END SOLUTION lines (what a student who wrote it hands in)."""
    return "\n".join(line for line in code.splitlines() if "### BEGIN SOLUTION" not in line
                     and "### END SOLUTION" not in line) + "\n"


def random_statement(rng, names):
    """One statement of a student's own: a random expression over their names."""
    pick = lambda: rng.choice(names or NAMES)  # noqa: E731
    expr = f"{rng.choice(FUNCS)}({pick()}{', ' + rng.choice(KWARGS) if rng.random() < 0.5 else ''})"
    for _ in range(rng.randint(0, 2)):
        expr = f"{expr} {rng.choice(OPS)} {rng.choice([pick(), str(rng.randint(1, 9)), expr])}"
    return f"{rng.choice(NAMES)}_{rng.randint(0, 99)} = {expr}"


def rename(code, mapping):
    """``code`` with the names in ``mapping`` renamed (never attributes), by tokens, layout kept."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return code
    lines = code.splitlines(keepends=True)
    for i in reversed(range(len(tokens))):  # right to left: earlier columns stay valid
        tok = tokens[i]
        if tok.type == tokenize.NAME and tok.string in mapping and not (i and tokens[i - 1].string == "."):
            (row, start), (_, end) = tok.start, tok.end
            lines[row - 1] = lines[row - 1][:start] + mapping[tok.string] + lines[row - 1][end:]
    return "".join(lines)


def local_names(code, keep):
    """Names bound in ``code`` that a student may rename (not the graded functions, not keyword names)."""
    import ast

    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    found = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    found |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.arguments) for a in n.args}
    return sorted(found - set(keep))


def mutate(code, rng, keep, own=True):
    """A student's version of a reference answer: renamed, reformatted, with statements of their own."""
    names = local_names(code, keep)
    code = rename(code, {n: f"{rng.choice(NAMES)}{rng.randint(0, 9)}" if rng.random() < 0.5 else n for n in names})
    lines = code.splitlines()
    body = [i for i, line in enumerate(lines) if line.startswith("    ") and line.strip()
            and not line.strip().startswith(('"""', "return", "for", "if", "else", "elif", "def"))]
    if own:
        for _ in range(rng.randint(1, 4)):
            where = rng.choice(body) if body else len(lines)
            indent = lines[where][: len(lines[where]) - len(lines[where].lstrip())] if body else ""
            lines.insert(where, indent + random_statement(rng, names))
            body = [i + (i >= where) for i in body]
        if body and rng.random() < 0.3:
            lines.pop(rng.choice(body))
    if rng.random() < 0.5:
        lines = [line.replace(" = ", "=").replace(", ", ",") for line in lines]
    if rng.random() < 0.3:
        lines.insert(1 if len(lines) > 1 else 0, "    # my answer")
    return "\n".join(lines) + "\n"


def disguise(code, rng, keep):
    """A copy made to look different: every local renamed, comments gone, spacing changed, sometimes a line added."""
    names = local_names(code, keep)
    code = rename(code, {n: f"my_{n.lower()}_{rng.randint(0, 9)}" for n in names})
    lines = [line.split("  #")[0].rstrip() for line in code.splitlines() if not line.strip().startswith("#")]
    lines = [line.replace("(", "( ").replace(")", " )") for line in lines]
    if rng.random() < 0.3 and len(lines) > 2:  # a line of the copier's own
        lines.insert(len(lines) - 1, "    " + random_statement(rng, names))
    return "\n".join(lines) + "\n"


def notebook(release, answers):
    """The released notebook with its solution cells replaced by ``answers`` {grade_id: code}."""
    out = copy.deepcopy(release)
    for cell in out["cells"]:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell["source"] = answers[gid]
    return out


def make_class(assignment, folder, students, copies, seed):
    """Write the class (nbgrader layout) under ``folder``; the planted pairs {(a, b)}."""
    rng = random.Random(seed)
    src = load_source(ROOT / "solutions" / assignment / f"{assignment}.ipynb")
    release = json.loads((ROOT / "exercises" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))
    keep = set(src.deliverables) | {n for code in src.setup for n in top_level_names(code)}
    ref = {gid: strip_markers(code) for gid, code in src.solutions.items()}
    ids = [f"s{i:04d}" for i in range(students)]
    answers = {sid: {gid: mutate(code, rng, keep) for gid, code in ref.items()} for sid in ids}
    planted = set()
    for a, b in zip(ids[: 2 * copies: 2], ids[1: 2 * copies: 2]):
        answers[b] = {gid: disguise(code, rng, keep) for gid, code in answers[a].items()}
        planted.add((a, b))
    for sid in ids:
        path = folder / sid / assignment / f"{assignment}.ipynb"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(notebook(release, answers[sid])), encoding="utf-8")
    return planted


def run_once(assignment, folder, out):
    """(wall seconds, CPU seconds) of the command in a fresh interpreter, and {(a, b): flagged} from its CSV.

    CPU time (user + system of the child) is what the run costs; wall time is what
    the instructor waits, and grows when other work shares the cores.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "autograder", "similarity", assignment, str(folder),
                           "--out", str(out), "--course", str(ROOT)], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if done.returncode:
        raise SystemExit(f"{assignment}: {done.stderr.strip()}")
    with open(out / "similarity.csv", encoding="utf-8") as handle:
        rows = {(r["student_a"], r["student_b"]): r["flagged"] == "yes" for r in csv.DictReader(handle)
                if r["student_b"]}
    return seconds, cpu, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--copies", type=int, default=10, help="planted disguised-copy pairs per assignment")
    parser.add_argument("--assignments", nargs="*", default=None, help="default: all 13")
    parser.add_argument("--work", default=None, help="folder for the classes (default: a temporary one)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    names = args.assignments or sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())
    work = Path(args.work or tempfile.mkdtemp(prefix="similarity-bench-"))
    total = cpu_total = 0.0
    found = planted_all = others = 0
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    try:
        for i, assignment in enumerate(names):
            folder = work / assignment
            shutil.rmtree(folder, ignore_errors=True)
            planted = make_class(assignment, folder / "class", args.students, args.copies, args.seed + i)
            seconds, cpu, rows = run_once(assignment, folder / "class", folder / "out")
            hits = sum(rows.get(p, False) for p in planted)
            extra = sum(flag for pair, flag in rows.items() if pair not in planted)
            print(f"{assignment}: {args.students} students, {seconds:.1f} s wall, {cpu:.1f} s CPU; planted "
                  f"copies flagged {hits}/{len(planted)}; other pairs flagged {extra}", flush=True)
            total, cpu_total = total + seconds, cpu_total + cpu
            found, planted_all, others = found + hits, planted_all + len(planted), others + extra
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print(f"total: {len(names)} notebooks x {args.students} students in {total:.1f} s wall, {cpu_total:.1f} s CPU "
          f"(each in a fresh interpreter); planted copies flagged {found}/{planted_all}; other pairs flagged "
          f"{others}; load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
