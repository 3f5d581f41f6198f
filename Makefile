# The two commands of the README. Each creates .venv and installs what it needs
# on a fresh clone with only Python 3.11 and pip.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False

.PHONY: run test test-browser install browser postgres ingest eval bench clean

# Install and start the web app on http://127.0.0.1:7860
run: $(STAMP)
	$(VENV)/bin/mdsbot ingest
	$(PY) app.py

# Install (with test extras and Debian's chromium), run the whole test suite, then
# the evaluation gate (exits non-zero when a metric falls below eval/baseline.json).
test: $(STAMP) browser postgres
	$(PY) -m pytest
	$(VENV)/bin/mdsbot eval --no-progress

# Only the Playwright end-to-end tests of the web app
test-browser: $(STAMP) browser
	$(PY) -m pytest -m browser

install: $(STAMP)

# torch is pinned first so pip takes the local CPU wheel instead of CUDA builds.
$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found; install Python 3.11 or run 'make PYTHON=python3 ...'"; exit 2; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

# Debian's chromium for the Playwright browser tests (never `playwright install`).
browser:
	@bash scripts/install_chromium.sh

# Debian's PostgreSQL binaries for the decision-record tests (they start their own server).
postgres:
	@bash scripts/install_postgres.sh

ingest: $(STAMP)
	$(VENV)/bin/mdsbot ingest

eval: $(STAMP)
	$(VENV)/bin/mdsbot eval --no-progress

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .mdsbot test-artifacts .pytest_cache
