# `make run` installs tpm_coach and launches it; `make test` installs what the tests need and runs them all.
# Both install the project editable into one .venv, so either always runs the code in this folder.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint fast unit bench screenshots clean

$(BIN)/python:
	scripts/install-system-deps build
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.app: pyproject.toml | $(BIN)/python
	scripts/install-system-deps runtime
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.lint: pyproject.toml | $(VENV)/.app
	$(BIN)/pip install -q -e '.[lint]'
	touch $@

$(VENV)/.test: pyproject.toml scripts/install-model-server scripts/install-judge-models scripts/install-speech-models | $(VENV)/.app
	scripts/install-system-deps test
	$(BIN)/pip install -q -e '.[test]'
	scripts/install-model-server $(BIN)
	scripts/install-judge-models $(BIN) 0.5b
	scripts/install-speech-models $(BIN)
	touch $@

run: $(VENV)/.app
	$(BIN)/tpm-coach

lint: $(VENV)/.lint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Everything: lint, then the whole suite with coverage (per file, then per package; a percentage never fails it).
test: lint $(VENV)/.test
	$(BIN)/pytest --cov=tpm_coach --cov-report=term:skip-covered
	$(BIN)/python scripts/coverage-by-package

# The tests that need neither the audio server nor the model server.
fast: $(VENV)/.test
	$(BIN)/pytest -m "not audio and not llama"

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
