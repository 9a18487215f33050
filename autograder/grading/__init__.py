"""The instructor's grading pipeline.

Student code runs in a separate worker process (``worker.py``); the checks run
in the grader, on plain arrays that come back over a pipe (``wire.py``), so
nothing a submission does to its own process can change a check or a grade.
"""
