# An index of commands; the logic lives in scripts/ and the shebao executable.
.PHONY: run test build soundness bench-db bench-http bench-rls bench-outbox bench-disburse fuzz fuzz-api clean-data

run:        ## install what is missing, build, start PostgreSQL (embedded) and the server
	scripts/run.sh

test:       ## every test, against a throwaway PostgreSQL cluster
	scripts/test.sh

build:      ## build everything (debug)
	swift build --build-tests --explicit-target-dependency-import-check error

soundness:  ## formatting and repository hygiene (also the first step of make test)
	scripts/soundness.sh

bench-db:   ## the Swift PostgreSQL client against pgbench, same cluster, same run
	scripts/bench-db.sh

bench-http: ## the HTTP server against Hummingbird 2 and nginx (/plaintext, /json) and pgbench (/db)
	scripts/bench-http.sh

bench-rls:  ## what row-level security costs: scoped queries on a million persons, with and without it
	scripts/bench-rls.sh

bench-outbox: ## the scheduler delivering 100,000 webhooks to nginx on loopback, against pgbench on its statements
	scripts/bench-outbox.sh

bench-disburse: ## a monthly run of a million pensions: compute, export, import of the answers, against a bare INSERT … SELECT
	scripts/bench-disburse.sh

fuzz:       ## the HTTP/1.1 parser under libFuzzer (FUZZ_SECONDS, default 600)
	scripts/fuzz.sh

fuzz-api:   ## the HTTP API against its OpenAPI description with schemathesis, as every role (a random seed)
	FUZZ_API_SEED=$${FUZZ_API_SEED:-random} scripts/fuzz-api.sh

clean-data: ## stop and delete the embedded development cluster
	swift run shebao cluster stop --dir .shebao/postgres --remove
