"""The whole class: find every submission, apply class rules, grade them all, here or on Dask.

collect (downloads, folders, zips, LMS names, times), late (due dates and penalties),
classroom (``grade`` for a class), distributed (one Dask task per student), similarity and
fingerprint (which submissions look alike).
"""
