"""Writing and releasing exercises: what an author or instructor runs before any student.

source (write an nbgrader source notebook from a compact description), release
(``solutions/`` to ``exercises/``), validate (what the grader cannot handle, at release time),
student_kit (what students install, without the answers).
"""
