"""The instructor's grading pipeline, in four rooms by what a module handles.

- ``student``: one student (their worker process, the sandbox, the verdicts, one record);
- ``course``: the whole class (collecting submissions, late rules, grading them all, Dask);
- ``records``: the gradebook and what is read from it (feedback, report, LMS export);
- ``authoring``: writing, validating and releasing exercises, the student kit.

Student code runs in a separate worker process (``student/worker.py``); the checks run
in the grader, on plain arrays that come back over a pipe (``autograder/wire.py``, below both
the checks and this package), so nothing a submission does to its own process can change a
check or a grade. The command line is ``autograder/cli.py``.
"""
