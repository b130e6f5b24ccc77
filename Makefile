# Debatte: `make demo` runs the demo on http://127.0.0.1:8000, `make test` runs every check.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_PG_URL ?= postgres://postgres@127.0.0.1:5432/test
# The demo and the checks run with the repository's public development key; production sets
# DEBATTE_SECRET_KEY and leaves this unset (settings refuse to start without a key then).
export DEBATTE_DEVELOPMENT ?= 1

.PHONY: demo test install lint typecheck djangocheck pytest pytest-sqlite pytest-postgres bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	mkdir -p var/static
	touch $(STAMP)

install: $(STAMP)

demo: install
	DEBATTE_DEBUG=0 DEBATTE_EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend \
		$(BIN)/debatte demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy debatte config

djangocheck: install
	DEBATTE_PLAIN_STATIC=1 $(BIN)/debatte check --fail-level WARNING
	DEBATTE_PLAIN_STATIC=1 $(BIN)/debatte makemigrations --check --dry-run

pytest-sqlite: install
	$(BIN)/pytest -p no:cacheprovider

# PostgreSQL runs the same suite but the browser tests (they exercise pages, not the database).
pytest-postgres: install
	@if pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1 || $(BIN)/python -c "import psycopg; psycopg.connect('$(TEST_PG_URL)').close()" 2>/dev/null; then \
		DATABASE_URL=$(TEST_PG_URL) $(BIN)/pytest -p no:cacheprovider -m "not browser"; \
	elif [ "$$DEBATTE_REQUIRE_SERVICES" = "1" ]; then \
		echo "PostgreSQL on 127.0.0.1:5432 is required (DEBATTE_REQUIRE_SERVICES=1) but not reachable"; exit 1; \
	else \
		echo "SKIPPED: PostgreSQL tests (no server on 127.0.0.1:5432; set DEBATTE_REQUIRE_SERVICES=1 to require it)"; \
	fi

pytest: pytest-sqlite pytest-postgres

test: lint typecheck djangocheck pytest

# nginx (Debian's nginx-light) is the static-file peer of the first page and the micro-cache;
# wrk drives the part over HTTP (bench/httpbench). Without them those rows say "not measured".
bench: install
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || ! command -v apt-get >/dev/null || \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null 2>&1 || true
	@command -v wrk >/dev/null || ! command -v apt-get >/dev/null || \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 || true
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var build *.egg-info
