# dms — make run: the product on this machine with embedded defaults; make test: every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
STAMP := $(VENV)/.installed

.PHONY: install system-deps run test test-pg lint format bench bench-download bench-search clean

$(STAMP): setup.cfg pyproject.toml
	@command -v file >/dev/null && ldconfig -p | grep -q libmagic.so.1 \
		&& command -v tesseract >/dev/null || $(MAKE) system-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install dms with its test and dev tools

system-deps:  ## Debian packages dms needs (libmagic, Tesseract OCR); sudo when not root
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq libmagic1 file \
		tesseract-ocr tesseract-ocr-ind tesseract-ocr-eng

run: install  ## init, demo data, serve on http://$(HOST):$(PORT)
	$(BIN)/dms init
	$(BIN)/dms demo
	$(BIN)/dms serve --host $(HOST) --port $(PORT)

test: install  ## the whole suite; PostgreSQL too when DMS_TEST_DATABASE_URL is set
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check dms tests bench
	$(BIN)/ruff format --check dms tests bench

format: install
	$(BIN)/ruff format dms tests bench
	$(BIN)/ruff check --fix dms tests bench

bench: bench-download bench-search  ## every benchmark (see bench/README.md)

bench-download: install  ## download throughput and server memory
	$(BIN)/python -m bench.run $(BENCH_ARGS)

bench-search: install  ## ingest, index rebuild and search latency (about an hour)
	$(BIN)/python -m bench.search $(SEARCH_BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
