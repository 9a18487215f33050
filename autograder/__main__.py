"""The instructor's command: ``python -m autograder {release,grade} ...``."""

from autograder.grading.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
