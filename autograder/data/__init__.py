"""Data sets of the course, read from local files only (no download, ever)."""
