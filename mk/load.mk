# The load test against the production profile (scripts/cluster): 50 simulated trainees over Socket.IO
# through nginx, a Rasa replica stopped part way, exactly-once and no-lost-state checks in PostgreSQL,
# reply latency under load and alone. README "Load test" and docs/deploying.md say more.
#
#   make load-test                      start the cluster if needed (left running), then tests/load
#   make load-test LOAD_PLAN=load,single   only some runs (load, single, term, kill)
#   make bench-load                     reply latency p50/p95 under load and alone (results/load/summary.json);
#                                       `make bench` runs it

LOAD_PLAN ?= load,single,term,kill
LOAD_ARGS ?=

.PHONY: load-test bench-load

load-test: $(RASA_STAMP) $(COACH_READY) $(MODEL) ## Load test: 50 trainees via nginx, replica stopped mid-run, exactly-once (starts the cluster)
	@scripts/cluster start
	LOAD_REQUIRED=1 LOAD_PLAN='$(LOAD_PLAN)' LOAD_ARGS='$(LOAD_ARGS)' scripts/pytest-nonempty $(APY) tests/load

# Starts the cluster if it is not running, and then stops it again afterwards.
bench-load: $(RASA_STAMP) $(COACH_READY) $(MODEL) ## Reply latency p50/p95, 50 trainees and one alone, via the cluster
	@if scripts/cluster status >/dev/null 2>&1; then was_up=1; else was_up=0; scripts/cluster start; fi; rc=0; \
	  $(VENV)/bin/python scripts/loadtest.py --plan load,single $(LOAD_ARGS) || rc=$$?; \
	  if [ $$was_up -eq 0 ]; then scripts/cluster stop || true; fi; \
	  exit $$rc
