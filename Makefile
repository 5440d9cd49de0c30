# dms — make run: the product on this machine with embedded defaults; make test: every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
STAMP := $(VENV)/.installed
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
CHROMIUM := /usr/bin/chromium
BROWSER_TESTS := tests/browser
# npm ci empties node_modules first, so a stamp inside it dates the install.
AXE_STAMP := $(BROWSER_TESTS)/node_modules/.installed

.PHONY: install lock system-deps nginx-deps browser-deps run test test-pg lint format bench bench-download \
	bench-search bench-search-quality bench-reports bench-search-attack bench-proxy screenshots translations clean

LOCK_DEV := requirements/dev.txt
LOCK_PROD := requirements/prod.txt
PIP_COMPILE = $(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url \
	--no-emit-find-links $(LOCK_ARGS)

# The exact versions of requirements/dev.txt (the lock file), then dms itself
# without letting pip pick anything else; `pip check` proves the set consistent.
$(STAMP): setup.cfg pyproject.toml $(LOCK_DEV)
	@command -v file >/dev/null && ldconfig -p | grep -q libmagic.so.1 \
		&& command -v tesseract >/dev/null || $(MAKE) system-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r $(LOCK_DEV)
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install dms with its test and dev tools

lock: install  ## re-resolve requirements/*.txt from setup.cfg (LOCK_ARGS=--upgrade for newest)
	$(PIP_COMPILE) --output-file $(LOCK_PROD) setup.cfg
	$(PIP_COMPILE) --extra test --extra dev --constraint $(LOCK_PROD) \
		--output-file $(LOCK_DEV) setup.cfg

system-deps:  ## Debian packages dms needs (libmagic, Tesseract OCR); sudo when not root
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq libmagic1 file \
		tesseract-ocr tesseract-ocr-ind tesseract-ocr-eng

nginx-deps:  ## Debian's nginx for tests/integration/test_topology.py and bench-proxy; its service stays off
	@test -x /usr/sbin/nginx || { $(SUDO) apt-get update -qq \
		&& DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nginx; }
	@# The tests start their own nginx on free ports; Debian's would hold port 80.
	-@$(SUDO) service nginx stop >/dev/null 2>&1 || true

browser-deps: $(AXE_STAMP)  ## Debian's Chromium and axe-core (npm ci) for tests/browser
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -qq \
		&& $(SUDO) apt-get install -y -qq chromium; }

$(AXE_STAMP): $(BROWSER_TESTS)/package-lock.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq \
		&& $(SUDO) apt-get install -y -qq nodejs npm; }
	npm ci --prefix $(BROWSER_TESTS) --no-audit --no-fund
	touch $@

run: install  ## init, demo data, serve on http://$(HOST):$(PORT)
	$(BIN)/dms init
	$(BIN)/dms demo
	$(BIN)/dms serve --host $(HOST) --port $(PORT)

test: install browser-deps  ## the whole suite; PostgreSQL too when DMS_TEST_DATABASE_URL is set
	$(BIN)/python -m pytest $(PYTEST_ARGS)

screenshots: install browser-deps  ## saves PNGs of the main pages under build/screenshots/, not committed
	$(BIN)/python -m tests.browser.screenshots build/screenshots

translations: install  ## re-extract page strings and update the English catalogue
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location \
		--sort-output -o dms/translations/messages.pot .
	$(BIN)/pybabel update -i dms/translations/messages.pot -d dms/translations \
		-l en --no-fuzzy-matching --ignore-obsolete
	@echo "translate the empty msgstr in dms/translations/en/LC_MESSAGES/messages.po, then:"
	@echo "  $(BIN)/pybabel compile -d dms/translations -l en --statistics"

lint: install
	$(BIN)/ruff check dms tests bench tools
	$(BIN)/ruff format --check dms tests bench tools
	$(BIN)/python tools/import_graph.py

format: install
	$(BIN)/ruff format dms tests bench tools
	$(BIN)/ruff check --fix dms tests bench tools

bench: bench-download bench-search bench-search-quality bench-reports bench-search-attack  ## every benchmark (see bench/README.md)

bench-download: install  ## download throughput and server memory
	$(BIN)/python -m bench.run $(BENCH_ARGS)

bench-proxy: install nginx-deps  ## download throughput: nginx+X-Accel vs nginx alone vs dms alone
	$(BIN)/python -m bench.proxy $(PROXY_BENCH_ARGS)

bench-search: install  ## ingest, index rebuild and search latency (about an hour)
	$(BIN)/python -m bench.search $(SEARCH_BENCH_ARGS)

bench-search-quality: install  ## top-3 success of held-out queries over the real corpus, both engines (about 5 min)
	$(BIN)/python -m bench.search_quality $(QUALITY_BENCH_ARGS)

bench-reports: install  ## a province's year of requests: annual report and monitoring figures
	$(BIN)/python -m bench.reports $(REPORTS_BENCH_ARGS)

bench-search-attack: install  ## ordinary searches while one address floods hostile queries (about 2 min)
	$(BIN)/python -m bench.search_attack $(ATTACK_BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
