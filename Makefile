# profmon: the steps of the yearly monitoring, from sample data to reports.
# `make help` lists the targets. Every command runs from the project's own
# virtual environment ($(VENV)), which `make venv` creates; the targets that
# need it create it on first use.

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
DATA ?= data
YEARS ?= 2021 2022
YEAR ?= 2022
PYTEST_ARGS ?= -n auto

# Marks a complete install; redone when pyproject.toml changes.
INSTALLED := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help venv sample validate build report all test lint check browser format bench bench-reports clean

help: ## list the targets
	@grep -E '^[A-Za-z_-]+:.*## ' $(MAKEFILE_LIST) \
		| awk 'BEGIN {FS = ":.*## "}; {printf "  %-14s %s\n", $$1, $$2}'

venv: $(INSTALLED) ## create .venv and install profmon with the dev tools

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

sample: $(INSTALLED) ## regenerate the sample submissions in data/raw
	$(BIN)/profmon synth --out $(DATA)

validate: $(INSTALLED) ## check the submissions of every year in YEARS
	for year in $(YEARS); do \
		$(BIN)/profmon validate --data $(DATA) --year $$year || exit 1; \
	done

build: $(INSTALLED) ## write the validated tables and indicators to data/processed
	for year in $(YEARS); do \
		$(BIN)/profmon build --data $(DATA) --year $$year || exit 1; \
	done

report: $(INSTALLED) ## render the reports of YEAR into reports/
	$(BIN)/profmon report --data $(DATA) --year $(YEAR) --all

all: validate build report ## validate, build and report: the whole yearly run

test: $(INSTALLED) ## run the test suite
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(INSTALLED) ## check code style (ruff lint and format)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: venv browser lint test ## set up, then lint and test (what CI runs)

browser: ## install Debian's chromium for the browser test (as root, if missing)
	@if command -v chromium >/dev/null 2>&1; then \
		echo "chromium: $$(command -v chromium)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "chromium not installed and not root: the browser test will be skipped"; \
	fi

format: $(INSTALLED) ## reformat the code with ruff
	$(BIN)/ruff format .

bench: $(INSTALLED) ## time validation and indicators on 40,000 schools
	$(BIN)/python benchmarks/bench_engine.py

bench-reports: $(INSTALLED) ## time the 2022 report bundle against a naive CLI loop
	$(BIN)/python benchmarks/bench_reports.py

clean: ## remove processed data and reports (keeps the .gitkeep files)
	find $(DATA)/processed reports -mindepth 1 -maxdepth 1 ! -name .gitkeep \
		-exec rm -rf {} +
