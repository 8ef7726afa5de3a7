# Hramada: `make demo` to try it, `make test` to check it. See README.md.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
# Every package, direct or not, at the version and hashes in requirements.lock (`make lock` writes it from
# pyproject.toml); the stamp changes when either file does.
LOCK := requirements.lock
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | sha1sum | cut -c1-12)
# `make lock LOCK_FLAGS=--upgrade` moves the indirect dependencies to their newest versions.
LOCK_FLAGS ?=
CHROMIUM ?= /usr/bin/chromium
# The PostgreSQL pass runs when DATABASE_URL points at PostgreSQL (.ci/run sets it); Redis with it when
# REDIS_URL_FOR_TESTS is set.
REDIS_URL_FOR_TESTS ?=
# The unit suites run in parallel processes (pytest-xdist), each with its own test database and, with
# Redis, its own Redis database. TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= 2
PG_URL ?= $(filter postgres%,$(DATABASE_URL))
# The Nu HTML checker for the browser tests: the jar of the npm package vnu-jar, pinned and checked,
# kept in .venv/vnu/ (about 30 MB, so not in the repository). e2e/htmlcheck.py names the same version.
VNU_VERSION := 26.9.27
VNU_SHA256 := 22f15dd39a33bed929d2a5c0cddf5946849a647eca9272bf4d5d00bc7e7a4d47
VNU_JAR := $(VENV)/vnu/vnu-$(VNU_VERSION).jar

.PHONY: demo test install lint unit unit-pg e2e vnu messages clean lock audit backup-test

# The lock installs pip and setuptools too (hashed); the project itself goes in last, without
# dependencies and without a build environment of its own (it builds with the locked setuptools).
$(STAMP): pyproject.toml $(LOCK)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# Resolves through pip's own index settings (pip-compile uses pip), so it works wherever `pip install` does.
lock: $(STAMP)
	$(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --extra dev --strip-extras \
		--no-emit-index-url --no-emit-find-links $(LOCK_FLAGS) -o $(LOCK) pyproject.toml
	$(PY) .ci/deps.py check-lock

audit: $(STAMP)
	$(PY) .ci/deps.py audit

# Back up a scratch database with the demo data, restore it into a fresh one, compare (.ci/backup-test).
backup-test: $(STAMP)
	bash .ci/backup-test

demo: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: $(STAMP)
	$(PY) .ci/deps.py check-lock
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	env -u DATABASE_URL $(PY) manage.py makemigrations --check --dry-run
	env -u DATABASE_URL HRAMADA_ENV=production SECRET_KEY=check-deploy-$(shell head -c 32 /dev/urandom | sha256sum | cut -c1-50) \
		HASH_KEY=check-hash-$(shell head -c 32 /dev/urandom | sha256sum | cut -c1-50) REDIS_URL=redis://127.0.0.1:6379/0 \
		CREDENTIAL_SIGNING_KEY=$(shell head -c 32 /dev/urandom | sha256sum | cut -c1-64) \
		ALLOWED_HOSTS=hramada.example.org $(PY) manage.py check --deploy --fail-level WARNING

unit: $(STAMP)
	env -u DATABASE_URL $(VENV)/bin/pytest -q -n $(TEST_WORKERS) -m "not e2e" hramada

unit-pg: $(STAMP)
	@if [ -n "$(PG_URL)" ]; then \
		echo "== the same suite on PostgreSQL ($(PG_URL))"; \
		DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_URL_FOR_TESTS) $(VENV)/bin/pytest -q -n $(TEST_WORKERS) -m "not e2e" hramada; \
	else echo "== DATABASE_URL does not point at PostgreSQL: PostgreSQL run skipped"; fi

$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# npm pack fetches the package without running its install script (which would download a Java).
$(VNU_JAR):
	command -v npm >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm)
	rm -rf $(VENV)/vnu/tmp && mkdir -p $(VENV)/vnu/tmp
	cd $(VENV)/vnu/tmp && npm pack --silent vnu-jar@$(VNU_VERSION) >/dev/null && tar -xzf vnu-jar-$(VNU_VERSION).tgz package/build/dist/vnu.jar
	echo "$(VNU_SHA256)  $(VENV)/vnu/tmp/package/build/dist/vnu.jar" | sha256sum --check --quiet
	mv $(VENV)/vnu/tmp/package/build/dist/vnu.jar $@
	rm -rf $(VENV)/vnu/tmp

vnu: $(VNU_JAR)
	@command -v java >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless)

e2e: $(STAMP) $(CHROMIUM) vnu
	env -u DATABASE_URL CHROMIUM=$(CHROMIUM) PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 VNU_JAR=$(abspath $(VNU_JAR)) \
		$(VENV)/bin/pytest -q -m e2e e2e

test: lint unit unit-pg e2e

messages: $(STAMP)
	$(PY) manage.py makemessages -l be -l ru -l en --no-obsolete --ignore '.venv/*' --ignore 'e2e/*' \
		--ignore 'bench/*' --ignore 'staticfiles/*' --ignore '*/tests/*'
	$(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'bench/*'

clean:
	rm -rf $(VENV) staticfiles
