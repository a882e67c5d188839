# Two commands on a fresh machine: `make run` and `make test`. Both create .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test bench check-kb install clean docker

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

## run: the Telegram bot when TELEGRAM_BOT_TOKEN is set, else the terminal chat
run: $(STAMP)
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then exec $(BIN)/policybot run; else exec $(BIN)/policybot chat; fi

## test: the whole suite, offline
test: $(STAMP)
	$(BIN)/python -m pytest -q

## bench: accuracy, latency, throughput and memory against two baselines
bench: $(STAMP)
	$(BIN)/python -m bench

check-kb: $(STAMP)
	$(BIN)/policybot check-kb

docker:
	docker build -t policybot .

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
