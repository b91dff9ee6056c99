# An index of commands; the logic lives in scripts/ and the shebao executable.
.PHONY: run test build bench-db clean-data

run:        ## install what is missing, build, start PostgreSQL (embedded) and the server
	scripts/run.sh

test:       ## every test, against a throwaway PostgreSQL cluster
	scripts/test.sh

build:      ## build everything (debug)
	swift build --build-tests

bench-db:   ## the Swift PostgreSQL client against pgbench, same cluster, same run
	scripts/bench-db.sh

clean-data: ## stop and delete the embedded development cluster
	swift run shebao cluster stop --dir .shebao/postgres --remove
