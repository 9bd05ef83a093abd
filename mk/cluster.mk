# The production profile (scripts/cluster, docs/deploying.md): nginx, two Rasa replicas, two action
# servers, PostgreSQL and Redis, all on 127.0.0.1. Settings come from the environment
# (deploy/cluster.env.example), e.g. `CLUSTER_PORT=8090 make cluster`.

.PHONY: cluster cluster-stop cluster-status cluster-test

cluster: $(RASA_STAMP) $(COACH_READY) $(MODEL) ## Production profile: nginx on :8080, 2 Rasa replicas, 2 action servers, PostgreSQL, Redis
	@scripts/cluster start

cluster-stop: ## Stop the production profile (data stays in .run/cluster)
	@scripts/cluster stop

cluster-status: ## Each part of the production profile with pid, address and health
	@scripts/cluster status

# Starts the cluster if it is not running (and leaves it running); the tests stop and start replica 1.
cluster-test: cluster ## Tests of the production profile (tests/cluster) against the running cluster
	CLUSTER_REQUIRED=1 scripts/pytest-nonempty $(APY) tests/cluster
