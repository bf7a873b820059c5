# The two commands of the README are `make serve` and `make test`; everything else is their set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
REQUIRE_ENGINES ?=
PYTEST_ARGS ?=
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve test build lint format bench engines venv clean

serve: venv  ## the handbook on http://127.0.0.1:8000, rebuilt on every save
	$(BIN)/mkdocs serve -a 127.0.0.1:8000

test: venv engines  ## every example on every page, on real engines, and every claim
	$(BIN)/python -m pytest $(if $(REQUIRE_ENGINES),--require-engines=$(REQUIRE_ENGINES)) $(PYTEST_ARGS)

build: venv
	$(BIN)/mkdocs build --strict

lint: venv
	$(BIN)/ruff check playbooks tests scripts
	$(BIN)/ruff format --check playbooks tests scripts

format: venv
	$(BIN)/ruff check --fix playbooks tests scripts
	$(BIN)/ruff format playbooks tests scripts

bench: venv engines  ## medians of engine start, database clone, site build, suite
	$(BIN)/python scripts/bench.py

engines:  ## install missing engine packages (Debian, as root); otherwise say what is missing
	scripts/install-engines

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,docs]'
	touch $@

clean:
	rm -rf $(VENV) site .pytest_cache *.egg-info
