# Peer-support practice assistant: build, run and test.
#
#   make practice   environments + model (only when needed), action server in the background, rasa shell
#   make test       environments + model (only when needed), then the whole suite
#
# Every step is idempotent: stamps (.venv*/.installed, models/practice.tar.gz) let a second run skip work.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-print-directory

# A working Python 3.10 (Rasa 3.6 needs <3.11); scripts/find-python310 explains what to install if none.
# Only looked up when an environment actually has to be built.
PYTHON310 ?=
find_python = $(or $(PYTHON310),$(shell scripts/find-python310))

VENV         := .venv
VENV_ACTIONS := .venv-actions
RASA         := $(VENV)/bin/rasa
APY          := $(VENV_ACTIONS)/bin/python
RASA_STAMP   := $(VENV)/.installed
ACT_STAMP    := $(VENV_ACTIONS)/.installed
# The coach's hot modules compiled with mypyc (scripts/build_native.py); the coach runs as plain Python
# when they are missing or older than the sources. Everything that runs the coach depends on COACH_READY.
NATIVE       := build/native/SOURCES
COACH_READY  := $(ACT_STAMP) $(NATIVE)

MODEL_NAME   := practice
MODEL        := models/$(MODEL_NAME).tar.gz
# Everything `rasa train` reads (nlu_components/ holds a custom NLU component config.yml names); the model
# is rebuilt only when one of these is newer than it.
# data/scenarios/ holds the practice peers, read by the action server only, so editing them needs no model.
TRAIN_FILES  := $(wildcard config.yml domain.yml nlu_components/*.py) \
                $(shell find data -type f -not -path 'data/scenarios/*' 2>/dev/null | LC_ALL=C sort)
# A deleted or renamed data file leaves nothing newer than the model, so the file list itself is a
# prerequisite too: it is rewritten (and so newer) only when the set of files changes.
TRAIN_LIST   := models/.train-inputs
$(shell mkdir -p models && printf '%s\n' $(TRAIN_FILES) > $(TRAIN_LIST).new && \
  { cmp -s $(TRAIN_LIST).new $(TRAIN_LIST) && rm -f $(TRAIN_LIST).new || mv $(TRAIN_LIST).new $(TRAIN_LIST); })
TRAIN_INPUTS := $(TRAIN_FILES) $(TRAIN_LIST)

ACTION_PORT  ?= 5055
# rasa shell runs a small server of its own; it listens on loopback only (its default is 0.0.0.0).
SHELL_PORT   ?= 5005
SHARED       ?= ../shared
# Rasa prints telemetry prompts and TensorFlow logs chatter otherwise.
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help envs native practice test lint unit validate train test-stories e2e evaluate bench actions shell clean \
        production-test \
        distclean check-train-inputs forget

help: ## List the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{ printf "  %-16s %s\n", $$1, $$2 }'

# ---------------------------------------------------------------------------------------------------------
# Environments
# ---------------------------------------------------------------------------------------------------------

envs: $(RASA_STAMP) $(ACT_STAMP) ## Create or update both virtual environments from requirements/*.txt

$(RASA_STAMP): requirements/rasa.txt
	@scripts/make-venv "$(find_python)" $(VENV) requirements/rasa.txt "Rasa (TensorFlow, ~2 min on a fresh machine)"

$(ACT_STAMP): requirements/actions.txt
	@scripts/make-venv "$(find_python)" $(VENV_ACTIONS) requirements/actions.txt "action server + test tools"

native: $(NATIVE) ## Compile the coach's hot modules with mypyc (~1 min; done by the targets that need it)

# A failed compile leaves no stamp: the coach runs as plain Python, the next make tries again, and
# `make unit` (COACH_NATIVE_REQUIRED) reports it as a test failure.
$(NATIVE): $(wildcard actions/coach/*.py) scripts/build_native.py $(ACT_STAMP)
	@$(APY) scripts/build_native.py || echo ">>> Continuing with the coach as plain Python" >&2

# ---------------------------------------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------------------------------------

train: $(MODEL) ## Train the model if data/, config.yml or domain.yml changed since the last one
	@echo "Model up to date: $(MODEL)"

check-train-inputs:
	@for f in config.yml domain.yml data; do \
	  [ -e "$$f" ] || { echo "ERROR: $$f is missing; the Rasa assistant is not in this checkout." >&2; exit 1; }; \
	done

$(MODEL): $(TRAIN_INPUTS) requirements/rasa.txt | $(RASA_STAMP) check-train-inputs
	@echo ">>> Training the model (data, config or domain changed)..."
	@mkdir -p models
	$(RASA) train --config config.yml --domain domain.yml --data data --out models \
	  --fixed-model-name $(MODEL_NAME)
	@# rasa train may reuse an unchanged model without writing it; the stamp must still move forward.
	@touch $(MODEL)

# ---------------------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------------------

practice: $(RASA_STAMP) $(COACH_READY) $(MODEL) ## Practise: action server in the background + rasa shell
	@scripts/practice --model $(MODEL) --port $(ACTION_PORT) --shell-port $(SHELL_PORT)

actions: $(COACH_READY) ## Run the action server in the foreground on 127.0.0.1:5055 (ACTION_PORT=...)
	SANIC_HOST=127.0.0.1 $(APY) -m rasa_sdk --actions actions --port $(ACTION_PORT)

shell: $(RASA_STAMP) $(MODEL) ## rasa shell only (expects an action server already running, e.g. make actions)
	$(RASA) shell --model $(MODEL) --endpoints endpoints.yml --interface 127.0.0.1 --port $(SHELL_PORT)

# ---------------------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------------------

test: ## The whole suite: lint, unit tests, data validation, test stories, system tests (reports every failure)
	@scripts/run-steps \
	  "!environments"   "$(MAKE) envs" \
	  "lint"            "$(MAKE) lint" \
	  "unit tests"      "$(MAKE) unit" \
	  "data validation" "$(MAKE) validate" \
	  "!train"          "$(MAKE) train" \
	  "test stories"    "$(MAKE) test-stories" \
	  "system tests"    "$(MAKE) e2e" \
	  "web chat"        "$(MAKE) web-test" \
	  "production"      "$(MAKE) production-test"

lint: $(ACT_STAMP) ## ruff check
	$(VENV_ACTIONS)/bin/ruff check .

unit: $(COACH_READY) ## pytest for the coach, the actions and the debrief report (in .venv-actions)
	@COACH_NATIVE_REQUIRED=1 scripts/pytest-nonempty $(APY) tests/coach tests/actions tests/report

validate: $(RASA_STAMP) | check-train-inputs ## rasa data validate --fail-on-warnings
	$(RASA) data validate --config config.yml --domain domain.yml --data data --fail-on-warnings

test-stories: $(RASA_STAMP) $(MODEL) ## rasa test core on tests/stories (end-to-end test stories)
	@[ -d tests/stories ] && [ -n "$$(find tests/stories -name '*.yml' -print -quit)" ] || \
	  { echo "ERROR: no test stories in tests/stories/*.yml" >&2; exit 1; }
	$(RASA) test core --model $(MODEL) --stories tests/stories --fail-on-prediction-errors \
	  --out results/core --no-plot

# E2E_REQUIRED makes the system tests fail, not skip, when a venv or the model is missing.
e2e: $(RASA_STAMP) $(COACH_READY) $(MODEL) ## System tests: real action server, rasa run over REST, rasa shell
	E2E_REQUIRED=1 PRACTICE_MODEL=$(MODEL) PRACTICE_REPORTS_DIR=results/e2e-reports \
	  scripts/pytest-nonempty $(APY) tests/e2e

# ---------------------------------------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------------------------------------

evaluate: $(COACH_READY) $(RASA_STAMP) ## Coach scores (dev, held-out); NLU cross-validation; debrief score validity
	@rc=0; SHARED=$(SHARED) scripts/evaluate || rc=$$?; \
	  echo; echo "=== Debrief score on the contrast transcripts (tests/report/data/contrast_sessions.jsonl)"; \
	  $(APY) scripts/evaluate_report.py || rc=1; \
	  if [ -f tests/report/data/blind_sessions.jsonl ]; then \
	    echo; echo "=== Debrief score on the trainer's blind, rated transcripts (tests/report/data/blind_sessions.jsonl)"; \
	    $(APY) scripts/evaluate_report.py tests/report/data/blind_sessions.jsonl || rc=1; fi; exit $$rc

bench: $(COACH_READY) ## Coach speed (scripts/bench_coach.py), then reply latency under load (bench-load)
	$(APY) scripts/bench_coach.py
	@$(MAKE) bench-load

# The production profile's tests and the load test share one cluster; it is stopped afterwards unless it
# was already running before (a coordinator's own).
production-test: ## Production profile: cluster tests, then the load test (starts the cluster, stops it after)
	@if scripts/cluster status >/dev/null 2>&1; then was_up=1; else was_up=0; fi; rc=0; \
	  $(MAKE) cluster-test || rc=$$?; \
	  $(MAKE) load-test || rc=$$?; \
	  if [ $$was_up -eq 0 ]; then scripts/cluster stop || true; fi; \
	  exit $$rc

# The web chat (mk/web.mk) and the production profile (mk/cluster.mk) have their own files.
include $(sort $(wildcard mk/*.mk))

# ---------------------------------------------------------------------------------------------------------
# Privacy
# ---------------------------------------------------------------------------------------------------------

# Reports go to $(PRACTICE_REPORTS_DIR) (default reports/); the tracker store is what endpoints.yml says.
# ENDPOINTS names the tracker store's config: endpoints.yml (make practice), .run/web/endpoints.yml (make web)
# or deploy/endpoints.cluster.yml (production profile; its ${VARS} come from the environment).
ENDPOINTS ?= endpoints.yml
forget: $(RASA_STAMP) ## Delete one trainee's tracker data and reports: make forget SENDER=<id> [ENDPOINTS=...]
	@[ -n "$(SENDER)" ] || { echo "Usage: make forget SENDER=<sender id>" >&2; exit 2; }
	$(VENV)/bin/python scripts/forget.py "$(SENDER)" --endpoints $(ENDPOINTS)

# ---------------------------------------------------------------------------------------------------------

clean: ## Remove models, results and caches (keeps the environments)
	rm -rf models/*.tar.gz results reports .rasa .pytest_cache .ruff_cache tests/artifacts build
	find . -path ./$(VENV) -prune -o -path ./$(VENV_ACTIONS) -prune -o -name __pycache__ -type d -print \
	  | xargs rm -rf

distclean: clean ## clean, and remove both environments
	rm -rf $(VENV) $(VENV_ACTIONS)
