# Everything runs from a local virtualenv that this Makefile creates; nothing is assumed
# installed but Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# pytest-xdist workers for `make test`: 3 measured fastest on 2 cores (most integration time
# is waiting; a fourth worker only adds load); WORKERS=0 runs the suite in one process.
WORKERS ?= 3

.PHONY: all install catalogs messages browser faketime demo test lint unit integration soak-faults fuzz soak-year bench screenshots clean

all: test

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ needed"'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[e2e,test]'
	$(BIN)/python -m bot.devtools.catalogs compile
	touch $(STAMP)

install: $(STAMP)

## The catalogs (bot/locale): `catalogs` compiles the .po files to .mo (run by install, check,
## test, demo); `messages` extracts the marked texts into ccc-bot.pot and brings each .po up to it.
catalogs: $(STAMP)
	$(BIN)/python -m bot.devtools.catalogs compile

messages: $(STAMP)
	$(BIN)/python -m bot.devtools.catalogs update

## Headless Chromium for the web page's browser tests (Debian's package; Playwright drives it),
## and an emoji font for the pictures. Installed with apt-get where missing (as root, or with
## sudo); under CI=true a missing chromium stops here (a missing font only shows as boxes).
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || [ -n "$$CCC_CHROMIUM" ] || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  echo "chromium is missing: installing it with apt-get"; \
	  { $$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; } \
	  || { [ "$$CI" != true ] && echo "could not install chromium: the browser tests will be skipped"; }; }
	@[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  echo "the emoji font is missing: installing it with apt-get (the pictures show the bot's 📌, ▶, 👍)"; \
	  { $$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fonts-noto-color-emoji; } \
	  || echo "could not install the emoji font: emoji show as boxes in the pictures"; }

## Debian's faketime, which runs the bot with its clock off the homeserver's in the
## integration tests. Installed as chromium is; under CI=true a failure stops here.
faketime:
	@command -v faketime >/dev/null 2>&1 || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  echo "faketime is missing: installing it with apt-get"; \
	  { $$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends faketime; } \
	  || { [ "$$CI" != true ] && echo "could not install faketime: the clock tests will be skipped"; }; }

## A throwaway local Synapse, the bot in a room, and you chatting in the terminal.
demo: catalogs
	$(BIN)/ccc-bot demo

## The quick check while you work: lint, formatting, types, import layers and the unit tests
## in parallel; no Synapse, no browser, no apt (`make test` runs everything before a stop).
check: catalogs lint
	$(BIN)/python -m pytest -q -n auto -m "not integration and not browser and not soak"

## The whole suite: lint, formatting, types, import layers, then unit, integration (each
## worker starts its own Synapse), browser and soak tests in parallel, a test module's tests
## on one worker (tests/integration/test_faults.py needs it); the slowest are listed. Modules
## go to the workers in the order collected, which puts those waiting on real minutes first
## (tests/conftest.py), not largest first: started last, they ran on alone at the end.
test: catalogs browser faketime lint
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadfile --no-loadscope-reorder --durations=15

unit: catalogs browser
	$(BIN)/python -m pytest --ignore=tests/integration

integration: catalogs faketime
	$(BIN)/python -m pytest tests/integration

## The pictures in docs/images: the page and the bot's messages as the browser tests see them.
screenshots: $(STAMP) browser
	CCC_SHOTS=docs/images $(BIN)/python -m pytest -q -m browser tests/web

lint: $(STAMP)
	$(BIN)/ruff check bot commands tests bench
	$(BIN)/ruff format --check bot commands tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

## More kill -9 runs than CI's: 20 kills for each of ten seeds (a failure names its seed).
soak-faults: $(STAMP)
	for seed in 1 2 3 4 5 6 7 8 9 10; do \
	  CCC_FAULT_SEED=$$seed $(BIN)/python -m pytest tests/integration/test_faults.py -q -k kill_9 || exit 1; \
	done

## Long fuzzing run (100,000 examples) of the dispatcher.
fuzz: $(STAMP)
	CCC_FUZZ_EXAMPLES=100000 $(BIN)/python -m pytest tests/core/test_fuzz_dispatcher.py -q

## The simulated year with 50 seeds (CI runs one); CCC_YEAR_SEED=N replays one.
soak-year: $(STAMP)
	CCC_YEAR_SEEDS=50 $(BIN)/python -m pytest tests/features/announcements/test_year.py tests/features/announcements/test_year_lean_coffee.py -q -p no:logging -rA

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
