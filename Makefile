# Two commands on a fresh machine: `make run` and `make test`. Both create .venv first,
# with exactly the versions in uv.lock (uv itself is bootstrapped with pip at the pinned version).
PYTHON     ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
VENV       := .venv
BIN        := $(VENV)/bin
STAMP      := $(VENV)/.installed-stamp
SOURCES    := knowledge handlers reminders bot bench tests

.PHONY: install run test check format lock bench check-kb clean docker

$(STAMP): pyproject.toml uv.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv sync --quiet --frozen --all-groups
	touch $(STAMP)

install: $(STAMP)

## run: the Telegram bot when TELEGRAM_BOT_TOKEN is set, else the terminal chat
run: $(STAMP)
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then exec $(BIN)/policybot run; else exec $(BIN)/policybot chat; fi

## test: the gates (`make check`), then the whole suite, offline
test: check
	$(BIN)/python -m pytest -q

## check: lint, format and types, as CI runs them (httpx's scripts/check)
check: $(STAMP)
	$(BIN)/ruff check $(SOURCES)
	$(BIN)/ruff format --check $(SOURCES)
	$(BIN)/mypy

## format: rewrite the code the way `make check` wants it
format: $(STAMP)
	$(BIN)/ruff check --fix $(SOURCES)
	$(BIN)/ruff format $(SOURCES)

## lock: re-resolve uv.lock after a change to pyproject.toml's dependencies (commit both)
lock: $(STAMP)
	$(BIN)/uv lock
	$(BIN)/uv sync --quiet --frozen --all-groups

## bench: accuracy, latency, throughput and memory against two baselines
bench: $(STAMP)
	$(BIN)/python -m bench

check-kb: $(STAMP)
	$(BIN)/policybot check-kb

docker:
	docker build -t policybot .

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis .mypy_cache .ruff_cache
