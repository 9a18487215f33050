"""What a run leaves behind: the gradebook and everything read from it.

record (the one grade record type), files (every command's safe writing: atomic replace,
umask, private folder, "is this file ours to replace"), gradebook (grades.json and the CSV),
journal (records appended during a run), feedback (per-student pages and the export), report,
lms (an LMS's grade upload), similarity_report.
"""
