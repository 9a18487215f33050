"""What a run leaves behind: the gradebook and everything read from it.

gradebook (grades.json and the CSV), journal (records appended during a run), feedback
(per-student pages and the export), report, lms (an LMS's grade upload), similarity_report.
"""
