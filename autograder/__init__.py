"""The deep-learning course's package: reference implementations, checks and grading.

- ``autograder.ref_numpy``: NumPy references, the code the book teaches.
- ``autograder.ref_torch``: PyTorch twins with the same module and function names.
- ``autograder.checks``: one module per exercise (``ex01_perceptron``...), used by
  students in their notebooks and by the instructor's grader.
- ``autograder.grading``: the instructor's pipeline (``python -m autograder``).

Nothing is imported eagerly: importing this package does not import torch.
"""

__all__ = ["device"]


def device():
    """Best available torch device: ``cuda``, then ``mps``, then ``cpu``."""
    import torch

    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")
