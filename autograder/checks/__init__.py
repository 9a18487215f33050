"""Checks of the exercises, one module per exercise: ``ex01_perceptron``...

A check takes the student's callable (or values), builds fresh seeded inputs,
compares the answer with ``ref_numpy`` and ``ref_torch`` and raises an
``AssertionError`` that says what is wrong. The same checks run in the
student's notebook and, against a sandboxed process, in the grader.
"""
