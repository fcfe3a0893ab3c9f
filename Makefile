# make run   – create .venv, install, open the demo school (or render its pages without a display)
# make test  – create .venv, install, run ruff, mypy, the forms check and every test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FORMS := $(wildcard forms/*.ui)

.PHONY: run test lint typecheck forms forms-check pytest bench bundle clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		$(BIN)/esafety-desktop --demo; \
	else \
		echo "There is no display here, so the window cannot open. Rendering each main page of the demo school instead:"; \
		QT_QPA_PLATFORM=offscreen $(BIN)/esafety-desktop --demo --screenshots screenshots; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check esafety_desktop tests bench
	$(BIN)/ruff format --check esafety_desktop tests bench

typecheck: $(STAMP)
	$(BIN)/mypy esafety_desktop/domain esafety_desktop/storage esafety_desktop/services esafety_desktop/reports esafety_desktop/demo esafety_desktop/ui

forms: $(STAMP)
	@for f in $(FORMS); do n=$$(basename $$f .ui); \
		$(BIN)/pyside6-uic $$f -o esafety_desktop/ui/generated/ui_$$n.py; done

# The compiled forms must be what pyside6-uic makes of forms/*.ui today.
forms-check: $(STAMP)
	@tmp=$$(mktemp -d); status=0; for f in $(FORMS); do n=$$(basename $$f .ui); \
		$(BIN)/pyside6-uic $$f -o $$tmp/ui_$$n.py; \
		diff -q -I '^## Created by' $$tmp/ui_$$n.py esafety_desktop/ui/generated/ui_$$n.py >/dev/null \
		|| { echo "esafety_desktop/ui/generated/ui_$$n.py differs from forms/$$n.ui: run make forms"; status=1; }; \
	done; rm -rf $$tmp; exit $$status

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

test: lint typecheck forms-check pytest

bench: $(STAMP)
	$(BIN)/python bench/unlock_cost.py
	$(BIN)/python bench/startup.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/people_page.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/incident_search.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/agreements_register.py
	$(BIN)/python bench/governors_report.py
	$(BIN)/python bench/backup_cost.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/ui_stalls.py
	$(BIN)/python bench/crash_kills.py

bundle: $(STAMP)
	$(BIN)/python -m pip install --quiet "pyinstaller>=6.5,<7"
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN build.spec
	bash .ci/smoke-bundle dist/esafety-desktop/esafety-desktop

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build dist screenshots
