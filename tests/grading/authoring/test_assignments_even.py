"""Every assignment, two-sided (tests/helpers/assignment_tests.py), on the even-numbered assignments.

test_assignments_odd.py runs the same tests on the others, so that ``pytest -n 2 --dist loadfile``
gives the two halves to two workers.
"""

from helpers.assignment_tests import (  # noqa: F401  (collected here with this module's NAMES)
    pytest_generate_tests,
    test_exercises_in_sync_with_solutions,
    test_release_has_no_solutions_or_hidden_tests,
    test_released_stub_fails_every_test,
    test_solution_validates,
    test_validate_solution_full_marks_stub_zero,
)
from helpers.paths import assignments

#: The assignments this module tests: 02_, 04_, ...
NAMES = [name for name in assignments() if int(name[:2]) % 2 == 0]
