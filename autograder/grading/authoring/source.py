"""Write an nbgrader source notebook from a compact Python description.

Used by authors only: ``solutions/NN_slug/NN_slug.ipynb`` is the source of
truth once written. Each cell is (kind, source[, grade_id, points]) with kind
one of md, setup, checks, solution, test, code.
"""

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def meta(kind, grade_id, points=0):
    """nbgrader metadata (schema 3) for a cell of ``kind``."""
    flags = {
        "setup": dict(grade=False, solution=False, locked=True),
        "checks": dict(grade=False, solution=False, locked=True),
        "solution": dict(grade=False, solution=True, locked=False),
        "test": dict(grade=True, solution=False, locked=True, points=points),
        "md": dict(grade=False, solution=False, locked=True),
    }[kind]
    return {"nbgrader": dict(flags, grade_id=grade_id, schema_version=3, task=False)}


def build(cells, path, partial_credit=False, overwrite=False):
    """Write the notebook (its folder is made); markdown cells get ids md_1, md_2... .

    partial_credit: each check call of a test cell earns its share of the cell's
    points (stored as the notebook metadata ``autograder.partial_credit``).
    overwrite: replace an existing notebook; without it FileExistsError, since the
    source notebook may have been edited by hand since it was built.
    """
    from pathlib import Path

    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists (perhaps edited since it was built); pass overwrite=True to replace it")
    nb = new_notebook(metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    if partial_credit:
        nb.metadata["autograder"] = {"partial_credit": True}
    n_md = 0
    for kind, source, *rest in cells:
        source = source.strip("\n")
        if kind == "md":
            n_md += 1
            nb.cells.append(new_markdown_cell(source, metadata=meta("md", f"md_{n_md}")))
        elif kind == "code":
            nb.cells.append(new_code_cell(source))
        else:
            grade_id = rest[0] if rest else kind
            points = rest[1] if len(rest) > 1 else 0
            nb.cells.append(new_code_cell(source, metadata=meta(kind, grade_id, points)))
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i:02d}"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
