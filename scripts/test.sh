#!/usr/bin/env bash
# make test: every test, against a throwaway PostgreSQL cluster that this script starts and stops.
#
# 1. installs what is missing (scripts/install-deps.sh), and the XML schema tools the bank
#    files' tests validate with (scripts/xml-tools.sh, into .venv-xml/);
# 2. builds everything, tests included, once (warnings are errors, and so is a target importing
#    another of the package's targets that is not among its dependencies);
# 3. starts a throwaway cluster in a temporary folder and migrates a template database;
# 4. runs the unit and integration tests with SHEBAO_TEST_DATABASE_URL pointing at it;
# 5. runs the unit tests (no database) again under ThreadSanitizer, in a build of their own;
# 6. fuzzes the HTTP API against its OpenAPI description (scripts/fuzz-api.sh) on the same
#    cluster, while the ThreadSanitizer build compiles;
# 7. stops the cluster and deletes the folder, whatever happened; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

scripts/install-deps.sh --tests
scripts/soundness.sh
SHEBAO_XML_PYTHON=$(scripts/xml-tools.sh)
export SHEBAO_XML_PYTHON
swift build --build-tests -Xswiftc -warnings-as-errors --explicit-target-dependency-import-check error
bin=$(swift build --show-bin-path)

# Durability is not what these tests measure: skip fsync to keep them quick.
start_throwaway_cluster "$bin" test \
    --set fsync=off --set synchronous_commit=off --set full_page_writes=off --set max_connections=300
export SHEBAO_TEST_DATABASE_URL="$SHEBAO_PG_URL"
export SHEBAO_TEST_PG_BIN="$SHEBAO_PG_BIN"
export SHEBAO_BIN="$bin/shebao"
export SHEBAO_SQL_DIR="$PWD/sql"

# The template every test database is copied from: all migrations applied once.
psql_admin -c "CREATE DATABASE shebao_template"
"$bin/shebao" migrate --database-url "${SHEBAO_PG_URL%/postgres}/shebao_template" >/dev/null
export SHEBAO_TEST_TEMPLATE=shebao_template

swift test --skip-build "$@"

if [ $# -eq 0 ]; then
    # The ThreadSanitizer build only compiles, and the API fuzzing mostly waits (on its server,
    # which waits on password hashes and the database): side by side they take less time than
    # one after the other. The build's output is shown if it fails.
    echo "== API fuzzing, while the ThreadSanitizer build compiles =="
    tsan_build=(
        swift build --build-tests --sanitize=thread --scratch-path .build-tsan -Xswiftc -warnings-as-errors
        --explicit-target-dependency-import-check error
    )
    "${tsan_build[@]}" >"$THROWAWAY_DIR/tsan-build.log" 2>&1 &
    tsan_pid=$!
    trap 'kill "$tsan_pid" 2>/dev/null || true; stop_throwaway_cluster' EXIT
    fuzz_status=0
    SHEBAO_PG_URL=$SHEBAO_PG_URL SHEBAO_PG_BIN=$SHEBAO_PG_BIN scripts/fuzz-api.sh || fuzz_status=$?
    if ! wait "$tsan_pid"; then
        cat "$THROWAWAY_DIR/tsan-build.log" >&2
        echo "test: the ThreadSanitizer build failed" >&2
        exit 1
    fi
    echo "== unit tests under ThreadSanitizer =="
    TSAN_OPTIONS="halt_on_error=1" swift test --skip-build --sanitize=thread --scratch-path .build-tsan \
        --filter 'ConnectionPoolTests|HTTP1Tests|HTTPServerTests|TLSTests|SecurityTests|DomainTests|MigrationFileTests|OutboundTests|MessageTemplateTests|RetryPolicyTests|TokenBucketTests'
    # The API fuzzing's failures count too, after the unit tests have had their say.
    exit "$fuzz_status"
fi
