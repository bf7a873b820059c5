# The two commands of the README are `make serve` and `make test`; everything else is their set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
REQUIRE_ENGINES ?=
PYTEST_ARGS ?=
# pytest-xdist workers for make test (0: one process); the site and browser tests share a worker.
# One more than the cores, as part of the suite waits (failovers, timeouts, a stalled server): on
# 2 cores 2 workers took 293 s, 3 took 237 s, 4 took 240 s.
WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
# make mutants: all (every mutation, engines needed) or quick (no engine)
MUTANTS_TIER ?= all
# Material for MkDocs prints an end-of-life notice (May 5, 2027; Zensical succeeds it) on every
# build, and on every rebuild under `make serve`. We have read it: CONTRIBUTING.md ("The site
# generator's future") says what a Zensical build of the handbook does today and the plan to move.
# It is silenced so that the builds show the handbook's own warnings only; unset it to see it.
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve test test-matrix images build lint format bench mutants engines venv docs-venv clean

# `make serve PORT=8001` when 8000 is taken; a taken or invalid port is one line, before any set-up.
PORT ?= 8000
ifneq ($(filter serve,$(or $(MAKECMDGOALS),serve)),)
PORT_PROBLEM := $(shell $(PYTHON) -c 'import socket, sys; p = sys.argv[1]; \
  ok = p.isdigit() and 0 < int(p) < 65536; s = socket.socket(); \
  print("" if ok else f"make serve: PORT={p!r} is not a port number"); \
  ok and s.connect_ex(("127.0.0.1", int(p))) == 0 and print( \
  f"make serve: port {p} on 127.0.0.1 is taken; choose another: make serve PORT={int(p) + 1}")' \
  '$(PORT)')
ifneq ($(strip $(PORT_PROBLEM)),)
$(error $(strip $(PORT_PROBLEM)))
endif
endif

# `python -m`: the hook imports playbooks from the checkout (the current directory comes first on
# sys.path), so serving needs the docs extra only, not the package's or the tests' dependencies.
serve: docs-venv  ## the handbook on http://127.0.0.1:$(PORT), rebuilt on every save
	$(BIN)/python -m mkdocs serve -a 127.0.0.1:$(PORT)

test: venv engines  ## every example on every page, on real engines, and every claim
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadgroup $(if $(REQUIRE_ENGINES),--require-engines=$(REQUIRE_ENGINES)) $(PYTEST_ARGS)

test-matrix: venv images  ## every example and claim on every engine version, in containers
	$(BIN)/python scripts/matrix $(MATRIX) $(if $(PYTEST_ARGS),-- $(PYTEST_ARGS))

images: venv  ## the container images of the version matrix, from Debian packages (reused)
	scripts/install-engines --matrix
	$(BIN)/python scripts/build-images

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
	$(BIN)/python scripts/bench_suite.py --runs 3 --workers $(WORKERS)

mutants: venv engines  ## every planted breakage in scripts/mutants.py must fail its tests
	$(BIN)/python scripts/mutants.py --tier $(MUTANTS_TIER)

engines:  ## install missing engine packages (Debian, as root); otherwise say what is missing
	scripts/install-engines

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,docs]'
	touch $(VENV)/.docs-installed $@

# What `make serve` needs: the `docs` extra of pyproject.toml and nothing else (a venv that
# `make venv` made has it already).
docs-venv: $(VENV)/.docs-installed

$(VENV)/.docs-installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -c 'import tomllib; \
	  print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["docs"]))' \
	  > $(VENV)/docs-requirements.txt
	$(BIN)/python -m pip install -q -r $(VENV)/docs-requirements.txt
	touch $@

clean:
	rm -rf $(VENV) site .pytest_cache *.egg-info
