# The two commands: `make run` serves MACHETE, `make test` runs every test.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := $(PYTHON) -m uv
PYTEST := $(UV) run --frozen pytest

JS_DIR := tests/e2e/js

.PHONY: run test test-sqlite test-postgresql lint schema install js-deps

install: .venv/.installed

.venv/.installed: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV) sync --frozen
	@touch $@

# The pinned npm `graphql-ws` client for the e2e conformance test. Without npm this only warns:
# the test itself then skips, or fails in CI, like any missing service.
js-deps: $(JS_DIR)/node_modules/.installed

$(JS_DIR)/node_modules/.installed: $(JS_DIR)/package.json $(JS_DIR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(JS_DIR) --no-audit --no-fund && touch $@; \
	else echo "js-deps: npm not found, skipping the JS client (the test will say so)"; fi

run: install
	$(UV) run --frozen machete db upgrade
	$(UV) run --frozen machete serve

test: install js-deps lint test-sqlite test-postgresql

lint:
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

test-sqlite: install js-deps
	MACHETE_TEST_DATABASE=sqlite $(PYTEST)

test-postgresql: install js-deps
	MACHETE_TEST_DATABASE=postgresql $(PYTEST)

schema: install
	$(UV) run --frozen strawberry export-schema graph.schema:schema --output schema.graphql
