"""nbgrader configuration of the course (run nbgrader from the repository root)."""

c = get_config()  # noqa: F821 - provided by nbgrader

c.CourseDirectory.course_id = "dlcourse"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
# Student code must not hang the class: every cell gets this many seconds.
c.ExecutePreprocessor.timeout = 60
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
# The Korean text of an exercise (solutions/NN_slug/NN_slug.ko-text.md) is a source, not a student's file:
# `release` builds exercises/NN_slug/ko/NN_slug.ipynb from it (autograder/grading/authoring/korean.py).
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.ko-text.md"]
