"""Where the course is: the repository root and the assignments of solutions/."""

from pathlib import Path

#: The repository root (holds solutions/, exercises/, chapters/, tests/).
ROOT = Path(__file__).resolve().parents[2]


def assignments():
    """Every assignment folder in solutions/, sorted (``01_perceptron``, ...)."""
    return sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())
