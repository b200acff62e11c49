# Parcours — two commands matter: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Icons copied from lucide-static by `make assets`; the templates name them with {% icon %}.
ICONS := users user user-plus calendar search log-out house clipboard-list file-text check x \
	pause play door-open languages phone building-2 settings chevron-right triangle-alert info \
	circle-check list-checks history pencil arrow-left globe layout-dashboard key-round clock \
	filter plus list-ordered hourglass ban undo-2 menu printer chevron-left target footprints \
	handshake send phone-call phone-off phone-missed clipboard-check flag list-todo calendar-clock \
	heart-handshake briefcase arrow-right-left trending-up trending-down minus circle-alert \
	square-check square refresh-cw file-down user-check message-square-text goal \
	smartphone sprout heart pen-line frown meh smile laugh map-pin calendar-plus calendar-sync \
	qr-code lock-keyhole wifi-off backpack log-in circle-help user-round eye

.PHONY: run test test-fast install migrate demo assets messages lint format ci clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo_data

run: demo
	@$(PY) manage.py demo_logins --url http://$(HOST):$(PORT)/
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# The quick loop: the whole suite but its slow tiers (markers in pyproject.toml). `make test`
# stays the reference: CI runs it, on SQLite and on PostgreSQL.
FAST := not browser and not deploy and not integrity and not fuzzing
test-fast: install
	$(PY) -m pytest -m "$(FAST)" $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Re-vendor the front-end assets from the npm registry (needs Node.js; the result is committed,
# so `make run` never needs Node). See docs/decisions/0003-static-assets.md.
assets:
	npm ci --no-audit --no-fund
	mkdir -p static/vendor/lucide
	cp node_modules/@picocss/pico/css/pico.min.css static/vendor/pico.min.css
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	cp node_modules/lucide-static/LICENSE static/vendor/lucide/LICENSE
	for icon in $(ICONS); do cp node_modules/lucide-static/icons/$$icon.svg static/vendor/lucide/; done
	# The phone pages draw their icons from one sprite built from these (portal/sprite.py).
	$(PY) manage.py build_icon_sprite

# Extract and compile translations (needs GNU gettext; the compiled .mo files are committed).
messages: install
	$(PY) manage.py makemessages --all --ignore=.venv --ignore=node_modules
	$(PY) manage.py compilemessages --ignore=.venv

# National-scale benchmark (not part of `make test`): builds or reuses the dataset on SQLite and
# PostgreSQL, prints queries, p50/p95 and throughput per page, writes
# bench/results/<database>-<scale>.json and compares it with the previous run. CI runs
# `make bench BENCH_SCALE=5 BENCH_ARGS="--db sqlite --check --no-load-test"` (query budgets).
# docs/benchmarks.md.
BENCH_SCALE ?= 250
BENCH_ARGS ?=
bench: install
	$(PY) bench/run.py --scale $(BENCH_SCALE) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
