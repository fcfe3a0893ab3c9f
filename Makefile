# make run   – create .venv, install, show the version (the window arrives with the next release)
# make test  – create .venv, install, run ruff, mypy and every test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/esafety-desktop --version
	@echo "The desktop window comes with the next release. Try: $(BIN)/esafety-desktop init --help"

lint: $(STAMP)
	$(BIN)/ruff check esafety_desktop tests bench
	$(BIN)/ruff format --check esafety_desktop tests bench

typecheck: $(STAMP)
	$(BIN)/mypy esafety_desktop/domain esafety_desktop/storage esafety_desktop/services esafety_desktop/reports

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python bench/unlock_cost.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
