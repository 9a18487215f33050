# The two commands of this project:
#   make book   build the HTML book into _build/html (executes every chapter)
#   make test   run every test
# Both create or reuse .venv and install the pinned dependencies first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The caller's PATH: `make venv` looks PYTHON up there, not in the venv it may have to rebuild.
HOST_PATH := $(PATH)
# nbgrader shells out to alembic, so the venv's bin/ must be on PATH.
export PATH := $(abspath $(BIN)):$(PATH)
export PYTHONHASHSEED := 0
# The book's arrays are small: one BLAS/OpenMP thread per process is as fast, and two pytest
# workers plus a notebook kernel do not oversubscribe the cores (spinning threads).
export OMP_NUM_THREADS ?= 1
export OPENBLAS_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1

.PHONY: book test venv fonts sysdeps release bench clean

# .ci/venv.py checks the interpreter (requires-python, venv module), rebuilds a venv that is broken
# or made by another Python than an explicit PYTHON=..., and reinstalls when the pins changed or an
# earlier install did not finish; each refusal is one line. The stamp names the venv's interpreter.
venv:
	@export PATH="$(HOST_PATH)"; \
	command -v $(PYTHON) >/dev/null 2>&1 || { echo "make venv: no $(PYTHON) found; install Python 3.11 or pass PYTHON=/path/to/python3.11" >&2; exit 1; }; \
	$(PYTHON) .ci/venv.py $(VENV) .ci/constraints.txt "$(origin PYTHON)"

# Headless Chromium (browser tests) and bubblewrap (grading sandbox) come from Debian.
sysdeps:
	@if ! command -v chromium >/dev/null || ! command -v bwrap >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium bubblewrap >/dev/null; \
	  else echo "Install chromium and bubblewrap (Debian: apt-get install chromium bubblewrap)"; exit 1; fi; \
	fi

# The Korean web font of the book and the widget scripts of its progress bars (npm packages,
# pinned in package-lock.json; nothing is fetched when a page is read). _ext/korean_font.py
# subsets the font into the build; _ext/widgets_offline.py copies require.js and embed-amd.js.
FONT := node_modules/@fontsource-variable/noto-sans-kr/index.css
fonts: $(FONT)

$(FONT): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(FONT)

# English into _build/html, then the Korean edition (한국어판) into _build/html/ko from the same
# execution cache (_build/.jupyter_cache): its pages have the English code cells, so nothing runs twice.
book: venv fonts
	$(BIN)/jupyter-book build . --warningiserror --keep-going
	$(BIN)/python _ext/build_korean.py --warningiserror --keep-going
	@echo "Book written to _build/html/index.html (Korean: _build/html/ko/index.html)"

# Two workers; each test file stays on one worker, so a module fixture (the book build) runs once.
# (--dist loadgroup does not group with pytest 9: xdist renames node ids that pytest 9 no longer reads.)
test: venv fonts sysdeps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -n 2 --dist loadfile --no-loadscope-reorder

release: venv
	$(BIN)/python -m autograder release

bench: venv
	$(BIN)/python bench/run_all.py

clean:
	rm -rf _build
