"""One student: their notebook, the worker that runs it, the sandbox around it, the verdicts.

judge (grade one notebook), grade (one student's record), notebook (read source and
submitted notebooks), parsing (guarded parse of student Python), remote (the grader's end of
a worker), worker (the student's process: imports nothing of this package), sandbox and
seccomp (the operating system's wall), text (make student text safe), student_check
(``python -m autograder check``, the student's own run).
"""
