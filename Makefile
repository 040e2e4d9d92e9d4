# See It Now — the two commands of the README, and a few helpers.
#   make demo   install, migrate, seed the demo shop, run web server + q2 cluster
#   make test   install with the dev extra (and the Node tools), check migrations
#               and lint, run pytest
#   make mutation   mutation-test the critical modules (slow; not part of make test)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
# Node tools (Shopify's theme check), reinstalled when package.json or its lock changes.
NPM_STAMP := node_modules/.installed-$(shell cat package.json package-lock.json | sha1sum | cut -c1-12)

.PHONY: install node theme-check demo test lint format migrate seed run bench mutation clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# `npm ci` installs exactly package-lock.json (and empties node_modules first, old
# stamp included). Without npm the theme-check test is skipped, not failed. Only
# the runtime dependencies (theme check): Shopify CLI, a devDependency for
# `shopify app dev`, comes with a plain `npm install`.
$(NPM_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --omit=dev --no-audit --no-fund && touch $(NPM_STAMP); \
	else \
		echo "npm not found: Shopify's theme check will be skipped"; \
	fi

node: $(NPM_STAMP)

theme-check: node
	node scripts/theme-check.mjs

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: install
	$(PY) manage.py rundemo --port $(PORT)

demo: seed run

test: install node
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The benchmarks that need PostgreSQL use this scratch database (it is flushed).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/seeitnow_bench
export BENCH_DATABASE_URL

bench: install
	for script in bench/bench_*.py; do $(PY) $$script || exit 1; done

# One module at a time, each with the tests that are meant to catch its mistakes;
# results and the explained survivors are in docs/RELIABILITY.md.
MUTATE := $(PY) tools/mutate.py
mutation: install
	$(MUTATE) seeitnow/storage/local.py -- tests/storage/test_local_storage.py tests/storage/test_signing.py tests/storage/test_local_backend_edges.py
	$(MUTATE) seeitnow/storage_views.py -- tests/storage/test_local_storage.py tests/storage/test_signing.py tests/storage/test_local_backend_edges.py
	$(MUTATE) renders/services/closing.py -- tests/render/test_closing.py tests/render/test_renderer.py -k "not ignores_its_budget"
	$(MUTATE) assets/pipeline/fetch.py -- tests/pipeline/test_fetch.py tests/pipeline/test_fetch_dns.py tests/pipeline/test_fetch_redirects.py
	$(MUTATE) renders/imaging.py -- tests/rooms/test_canonicalise.py tests/rooms/test_canonicalise_rules.py
	$(MUTATE) shops/quota.py -- tests/render/test_quota.py tests/render/test_quota_edges.py
	$(MUTATE) assets/services/status.py -- tests/preparation/test_preparation.py
	$(MUTATE) renders/renderer.py -- tests/render/test_renderer.py -k "not ignores_its_budget"
	$(MUTATE) shops/shopify/verify.py -- tests/shopify/test_signatures.py tests/shopify/test_admin_auth.py tests/shopify/test_proxy.py

clean:
	rm -rf $(VENV) node_modules db.sqlite3 media staticfiles
