# kefu: `make run` starts the product, `make test` runs every test.
# Both set up what they need first (Python 3.10 venv, packages, npm, model).

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Rasa 3.6 runs on Python 3.8-3.10 only: prefer a pyenv 3.10, else python3.10.
PYTHON310 ?= $(shell ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.10.*/bin/python3.10 2>/dev/null | sort -V | tail -n 1 || true)
ifeq ($(strip $(PYTHON310)),)
PYTHON310 := $(shell command -v python3.10)
endif
STAMP := $(VENV)/.installed
NPM_STAMP := bot/widget/node_modules/.installed

.PHONY: setup run test test-fast train seed lint browser-deps clean

setup: $(STAMP) $(NPM_STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON310)" || { echo "Python 3.10 is required (Rasa 3.6): install it with pyenv" >&2; exit 1; }
	test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip==24.3.1
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

$(NPM_STAMP): bot/widget/package.json bot/widget/package-lock.json
	npm ci --prefix bot/widget --no-audit --no-fund --loglevel=error
	touch $@

train: setup
	$(PY) -m bot train

seed: setup
	$(PY) -m bot seed

run: setup
	$(PY) -m bot run

# Chromium, CJK and emoji fonts for the browser tests, from Debian's packages.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto.*cjk" \
	  || ! fc-list 2>/dev/null | grep -qi "color emoji"; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk fonts-noto-color-emoji >/dev/null; \
	fi

test: setup browser-deps train
	$(PY) -m pytest -q

# Without the trained model and the browser: unit and loopback tests only.
test-fast: setup
	$(PY) -m pytest -q -m "not e2e and not browser"

lint: setup
	$(VENV)/bin/ruff check bot actions handoff tests bench

clean:
	rm -rf $(VENV) bot/widget/node_modules models .rasa var
