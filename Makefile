# Lexwatch: `make demo` shows it working offline, `make test` runs lint and every test.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format bench bench-change bench-soak clean translations

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/lexwatch demo

# Two test processes (pytest-xdist), a file's tests in one of them, in their order.
test: lint
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

# The catalogues (README, "Digests in your language"): extract the marked messages, merge
# them into every locale/<language>/LC_MESSAGES/lexwatch.po, compile each .mo beside it.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --add-location=file --sort-output --project=Lexwatch \
		--copyright-holder=Lexwatch -o locale/lexwatch.pot .
	$(BIN)/pybabel update -i locale/lexwatch.pot -d locale -D lexwatch
	$(BIN)/pybabel compile -d locale -D lexwatch --statistics

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Every benchmark in bench/ (each writes bench/results/<name>.json), then one table.
bench: $(STAMP)
	$(BIN)/python -m bench.run

# Change detection side by side with urlwatch (installed into bench/.venv-urlwatch).
bench-change: $(STAMP)
	$(BIN)/python -m bench.run change_detection

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache *.egg-info

bench-soak: $(STAMP)
	$(BIN)/python -m bench.run soak

# How cost grows: 100 / 1,000 / 10,000 sources, 10 and 100 versions each (bench/results/growth.json).
.PHONY: bench-growth
bench-growth: $(STAMP)
	$(BIN)/python -m bench.run growth

# Digests: 1,000 subscribers x 200 changes to a local SMTP server (bench/results/digests.json).
.PHONY: bench-digests
bench-digests: $(STAMP)
	$(BIN)/python -m bench.digests

# Search latency over a generated history of 1,000,000 versions (bench/results/search.json).
.PHONY: bench-search
bench-search: $(STAMP)
	$(BIN)/python -m bench.run search

# Crawl throughput with 1, 2 and 4 workers (throwaway PostgreSQL + Redis; bench/results/workers.json).
.PHONY: bench-workers
bench-workers: $(STAMP)
	$(BIN)/python -m bench.run workers
