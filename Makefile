# Two commands set up everything on a fresh machine: `make run` (the site) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
PORT ?= 5000
INSTALLED := $(VENV)/.installed

.PHONY: run serve test lint conformance extract update compile i18n-check init static bench-load bench-check bench-cli bench-editor bench-pages system-packages bench-packages clean users-add users-list users-passwd users-remove

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[serve,export,test,bench]'
	touch $@

## The site for development: live catalog reload, translation status pages and editor on (sign in first:
## `make users-add NAME=you LOCALE=ja`), templates re-read.
run: $(INSTALLED) compile
	SITE_PAGE_CACHE=0 SITE_TRANSLATION_STATUS=1 SITE_EDITOR=1 $(FLASK) run --debug --host 127.0.0.1 --port $(PORT)

## Production: gunicorn with gunicorn.conf.py (2 sync workers per core, access + error log on stdout).
serve: $(INSTALLED)
	PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py

## Every page in every locale as static files in build/ (SITE_BASE_URL: the URL build/ will be served at).
static: $(INSTALLED)
	PORT=$(PORT) $(FLASK) export --destination build

## Load benchmark: the site under gunicorn against a bare Flask view and nginx (see bench/README.md).
bench-load: $(INSTALLED) bench-packages
	$(BIN)/python bench/load.py

## Every test: unit, CLI, real browser, real WSGI server, after the linters. Installs what they need first.
test: lint system-packages compile
	$(BIN)/pytest -n 2 --cov=app --cov-report=term-missing:skip-covered --cov-fail-under=90

## Linters (configured in pyproject.toml, see the README's "Linters"): ruff on all Python code, mypy on app/.
lint: $(INSTALLED)
	$(BIN)/ruff check app tests bench scripts
	$(BIN)/mypy

## The reader, counts and .mo bytes against GNU msgfmt, run live over GNU gettext's test inputs (figures, every difference).
## GNU_GETTEXT_TESTS: the directory holding suite/ (default: ../shared/testdata/gnu-gettext-tests).
conformance: $(INSTALLED)
	$(BIN)/pytest -m conformance -v -s tests/tooling/test_conformance.py tests/tooling/test_formats_conformance.py \
		tests/tooling/test_corpus_conformance.py tests/tooling/test_plural_exp.py tests/tooling/test_brace_format.py \
		tests/tooling/test_mo_conformance.py

system-packages:
	./scripts/install-system-packages.sh test
bench-packages:
	./scripts/install-system-packages.sh bench

## Catalog workflow (see TRANSLATING.md).
extract: $(INSTALLED)
	$(FLASK) i18n extract
update: $(INSTALLED)
	$(FLASK) i18n update
compile: $(INSTALLED)
	$(FLASK) i18n compile
# make exits 2 when the check fails (exit 1) as when it cannot run: scripts call the check itself.
i18n-check: $(INSTALLED)
	$(FLASK) i18n check $(CHECK_ARGS)
init: $(INSTALLED)
	@test -n "$(LOCALE)" || (echo "usage: make init LOCALE=xx" >&2; exit 2)
	$(FLASK) i18n init $(LOCALE)

clean:
	rm -rf build test-artifacts .pytest_cache .coverage htmlcov .mypy_cache .ruff_cache
	find translations -name '*.mo' -delete

## Checker benchmark: `check` on a 20,000-entry catalog against msgfmt and pocount (see bench/README.md).
bench-check: $(INSTALLED) bench-packages
	$(BIN)/python bench/check_speed.py

## CLI benchmark: `check` and `compile` as whole processes against `msgfmt -c` / `msgfmt -o` at 1 KB, 20k and
## 160k entries, medians and ratios (see bench/README.md).
bench-cli: $(INSTALLED)
	$(BIN)/python bench/cli_speed.py

## Editor accounts (see TRANSLATING.md): the password is prompted, or read from stdin.
ROLE ?= translator
users-add: $(INSTALLED)
	@test -n "$(NAME)" -a -n "$(LOCALE)" || (echo "usage: make users-add NAME=alice LOCALE=ja [ROLE=translator|reviewer|admin]" >&2; exit 2)
	$(FLASK) users add $(NAME) --role $(ROLE) --locale $(LOCALE)
users-list: $(INSTALLED)
	$(FLASK) users list
users-passwd: $(INSTALLED)
	@test -n "$(NAME)" || (echo "usage: make users-passwd NAME=alice" >&2; exit 2)
	$(FLASK) users passwd $(NAME)
users-remove: $(INSTALLED)
	@test -n "$(NAME)" || (echo "usage: make users-remove NAME=alice" >&2; exit 2)
	$(FLASK) users remove $(NAME)

## Editor soak: 8 clients x 50 saves against gunicorn (4 workers) while a text editor rewrites the file.
bench-editor: $(INSTALLED)
	$(BIN)/python bench/editor_soak.py

## Translator pages at scale: status page at 100k entries, editor list and "save and next" at 20k, public p99
## during a 20k-entry editor soak (see bench/README.md).
bench-pages: $(INSTALLED) bench-packages
	$(BIN)/python bench/translator_pages.py
