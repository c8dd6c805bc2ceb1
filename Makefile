# The two commands a newcomer needs: `make run` and `make test`.
# Each creates .venv on first use and re-installs when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint validate bench schema clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/inspection-bot validate content
	$(BIN)/inspection-bot console

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/mypy bot
	$(BIN)/lint-imports

validate: $(STAMP)
	$(BIN)/inspection-bot validate --strict content

schema: $(STAMP)
	$(BIN)/inspection-bot schema -o content/schema.json

bench: $(STAMP)
	$(BIN)/python bench/bench_kb.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .mypy_cache .ruff_cache
