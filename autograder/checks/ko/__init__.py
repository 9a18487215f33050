"""The Korean message catalogue of the checks (한국어 메시지 목록).

One module per check module, with the same name (``ko/ex05_backprop.py`` for
``checks/ex05_backprop.py``), each holding ``MESSAGES = {English template: Korean template}``.
Read by :func:`autograder.checks.messages.say`; tests/checks/test_messages.py checks that every template the
checks use has a Korean form with the same fields, and that no Korean form is left without its template.
Terms follow the course's glossary (chapters/glossary.ko.md); code, numbers and formulas stay as they are.
"""
