"""PyTorch twins of ``autograder.ref_numpy`` (same module and function names).

Every function takes a ``device`` argument (default: ``autograder.device()``)
and returns tensors on that device; backward passes come from autograd.
"""
