#!/usr/bin/env bash
# make bench-http: the project's HTTP server against the anchors of the shared benchmark harness,
# in the same run, on the same machine: Hummingbird 2 and nginx on /plaintext and /json; the
# Hummingbird + PostgresNIO anchor and pgbench on /db. Every server is pinned to CPU 1, wrk to
# CPU 0. Prints the harness's tables (requests/s, p50, p99, ratios).
#
# The harness is read from SHEBAO_BENCH_HARNESS (default ../shared/bench beside the checkout)
# and copied to .shebao/bench-harness, where the Hummingbird anchor is built (minutes, once).
# Options via environment: BENCH_SECONDS (10), BENCH_ROUNDS (3), BENCH_CONNECTIONS (64),
# BENCH_PARTS ("static db": which halves to run), SHEBAO_DB_PIPELINE_CONNECTIONS (the worker's
# pipelined database connections, default 2; 0 runs /db on the handler pool instead).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

harness_source=${SHEBAO_BENCH_HARNESS:-../shared/bench}
[ -x "$harness_source/http-compare" ] || { echo "bench-http: no harness at $harness_source (set SHEBAO_BENCH_HARNESS)" >&2; exit 2; }
harness=.shebao/bench-harness
mkdir -p "$harness"
# Refresh the copy but keep the anchor's build folder.
(cd "$harness_source" && tar --exclude=.build -cf - .) | (cd "$harness" && tar -xf -)
chmod -R u+w "$harness"

seconds=${BENCH_SECONDS:-10}
rounds=${BENCH_ROUNDS:-3}
connections=${BENCH_CONNECTIONS:-64}

scripts/install-deps.sh
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
swift build -c release --product shebao
bin=$(swift build -c release --show-bin-path)

start_throwaway_cluster "$bin" benchhttp --set max_connections=200
port=8080
export PGPASSWORD=$(echo "$SHEBAO_PG_URL" | sed -E 's|^postgresql://postgres:([^@]*)@.*|\1|')
pg="host=127.0.0.1 port=$SHEBAO_PG_PORT user=postgres dbname=postgres"
"$harness/pg-world" "$pg" > /dev/null

server_pid=""
stop_server() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true; server_pid=""; }
trap 'stop_server; stop_throwaway_cluster' EXIT

SHEBAO_BENCHMARK_ROUTES=1 SHEBAO_ACCESS_LOG=0 DATABASE_URL="$SHEBAO_PG_URL" SHEBAO_DB_POOL_SIZE=16 \
    taskset -c 1 "$bin/shebao" worker --port "$port" > .shebao/bench-server.log 2>&1 &
server_pid=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

parts=${BENCH_PARTS:-static db}
if [[ " $parts " == *" static "* ]]; then
    echo "################ /plaintext and /json: shebao, Hummingbird 2, nginx ################"
    "$harness/run-anchors" --duration "$seconds" --rounds "$rounds" --connections "$connections" \
        --baseline nginx shebao="http://127.0.0.1:$port"
fi
[[ " $parts " == *" db "* ]] || exit 0

echo "################ /db: shebao and Hummingbird + PostgresNIO; then pgbench on the same SELECT ################"
hb="$harness/anchors/hummingbird-hello/.build/release/HummingbirdHello"
PGHOST=127.0.0.1 PGPORT=$SHEBAO_PG_PORT PGUSER=postgres PGDATABASE=postgres PORT=8081 \
    taskset -c 1 "$hb" > .shebao/bench-hummingbird.log 2>&1 &
hb_pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:8081/db" >/dev/null && break; sleep 0.1; done
"$harness/http-compare" --path /db --duration "$seconds" --rounds "$rounds" --connections "$connections" \
    --baseline hummingbird hummingbird=http://127.0.0.1:8081 shebao="http://127.0.0.1:$port" || true
kill "$hb_pid" 2>/dev/null; wait "$hb_pid" 2>/dev/null || true
stop_server
"$harness/pg-world" --bench -T "$seconds" "$pg"
