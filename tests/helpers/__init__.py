"""Modules the tests share that are not tests themselves (pytest collects nothing here).

Imported as ``helpers.<module>``: pyproject.toml puts ``tests/`` on ``sys.path`` (``pythonpath``).
- paths: the repository root and the course's assignments.
- checking: one ``fails``/``passes`` pair for the check tests, and a solution notebook's namespace.
- grader_attacks: small 04_softmax_losses submissions built in code, for the grader's attack tests.
- unhook: the cell that switches the worker's audit hook off (the OS must still hold).
- unprivileged: run a function as an unprivileged user, also when the tests run as root.
- authoring_course: a one-exercise course written with authoring/source.py.
- assignment_tests: the tests every assignment gets (collected by test_assignments_odd/even).
- numeric: central-difference gradients for the reference tests.
- book_build, book_pages, nbval_run, nbval_book (+ nbval_sanitize.cfg): the book's one build,
  what its pages are, and nbval runs of notebooks (nbval_book is the plugin of those runs).
"""
