# The two commands: `make run` serves MACHETE, `make test` runs every test.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := $(PYTHON) -m uv
PYTEST := $(UV) run --frozen pytest

.PHONY: run test test-sqlite test-postgresql lint schema install

install: .venv/.installed

.venv/.installed: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV) sync --frozen
	@touch $@

run: install
	$(UV) run --frozen machete db upgrade
	$(UV) run --frozen machete serve

test: install lint test-sqlite test-postgresql

lint:
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

test-sqlite: install
	MACHETE_TEST_DATABASE=sqlite $(PYTEST)

test-postgresql: install
	MACHETE_TEST_DATABASE=postgresql $(PYTEST)

schema: install
	$(UV) run --frozen strawberry export-schema graph.schema:schema --output schema.graphql
