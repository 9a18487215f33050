"""The whole class: find every submission, apply class rules, grade them all, here or on Dask.

collect (downloads, folders, zips, LMS names, times), late (due dates, penalties and the
other class rules on a record: ``settle``), plan (a run's frozen Options and RunPlan, and the
Graded it returns), classroom (``grade`` for a class), distributed (one Dask task per student;
never imports classroom), similarity and fingerprint (which submissions look alike).
"""
