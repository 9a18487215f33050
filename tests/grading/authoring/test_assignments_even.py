"""The tests of test_assignments.py on the other half of the assignments (a second file, so
that ``pytest -n 2 --dist loadfile`` runs the two halves on two workers)."""

from conftest import assignments
from test_assignments import (  # noqa: F401  (collected here with this module's NAMES)
    pytest_generate_tests,
    test_exercises_in_sync_with_solutions,
    test_release_has_no_solutions_or_hidden_tests,
    test_released_stub_fails_every_test,
    test_solution_validates,
    test_validate_solution_full_marks_stub_zero,
)

#: The assignments this module tests.
NAMES = assignments()[1::2]
