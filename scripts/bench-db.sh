#!/usr/bin/env bash
# make bench-db: the Swift client against pgbench, same statements, same throwaway cluster, same run.
#
# Statements (as ../shared/bench/pg-baseline): a point SELECT by primary key and a small INSERT,
# each in autocommit, as prepared statements; at 1, 8 and 16 concurrent clients. Prints a table
# of transactions (SELECT+INSERT pairs) per second and the ratio client / pgbench.
# Options via environment: BENCH_SECONDS (default 15), BENCH_ROUNDS (default 3), BENCH_CLIENTS.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
swift build -c release --product shebao
swift build -c release --product ShebaoBench
bin=$(swift build -c release --show-bin-path)

seconds=${BENCH_SECONDS:-15}
rounds=${BENCH_ROUNDS:-3}
clients=${BENCH_CLIENTS:-"1 8 16"}

cluster=$(mktemp -d "${TMPDIR:-/tmp}/shebao-bench.XXXXXX")
chmod 755 "$cluster"
cleanup() {
    "$bin/shebao" cluster stop --dir "$cluster/pg" --remove || true
    rm -rf "$cluster"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

eval "$("$bin/shebao" cluster start --dir "$cluster/pg" --set max_connections=100)"
url=$SHEBAO_PG_URL
psql_admin() { "$SHEBAO_PG_BIN/psql" "$url" -X -q -v ON_ERROR_STOP=1 "$@"; }
pgbench_bin=$(command -v pgbench || echo "$SHEBAO_PG_BIN/pgbench")

psql_admin <<'SQL'
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_event, bench_item;
CREATE TABLE bench_item (id int PRIMARY KEY, name text NOT NULL, price_cents int NOT NULL);
CREATE TABLE bench_event (id bigserial PRIMARY KEY, item_id int NOT NULL, kind text NOT NULL,
                          created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO bench_item SELECT g, 'item-' || g, (g * 37) % 10000 FROM generate_series(1, 10000) AS g;
VACUUM ANALYZE bench_item;
SQL

script=$cluster/pair.sql
cat > "$script" <<'SQL'
\set id random(1, 10000)
SELECT id, name, price_cents FROM bench_item WHERE id = :id;
INSERT INTO bench_event (item_id, kind) VALUES (:id, 'view');
SQL

results=$cluster/results.tsv
for c in $clients; do
    j=$(( c < 2 ? 1 : 2 ))
    for r in $(seq 1 "$rounds"); do
        # Alternate the two within each round so drift on a noisy machine hits both alike.
        tps=$("$pgbench_bin" "$url" -n -M prepared -c "$c" -j "$j" -T "$seconds" -f "$script" 2>/dev/null \
            | awk '/^tps = / { print $3 }')
        echo -e "pgbench\t$c\t$r\t$tps" >> "$results"
        tps=$("$bin/ShebaoBench" --url "$url" --clients "$c" --seconds "$seconds")
        echo -e "swift\t$c\t$r\t$tps" >> "$results"
        psql_admin -c "TRUNCATE bench_event"
    done
done

python3 - "$results" "$seconds" "$rounds" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    who, c, r, tps = line.split("\t")
    rows[(who, int(c))].append(float(tps))
print(f"SELECT+INSERT pairs per second, prepared statements, {sys.argv[2]} s x {sys.argv[3]} rounds, median (runs)")
print(f"{'clients':>7}  {'pgbench':>10}  {'swift':>10}  {'ratio':>6}   runs pgbench | swift")
for c in sorted({c for _, c in rows}):
    p, s = rows[("pgbench", c)], rows[("swift", c)]
    mp, ms = statistics.median(p), statistics.median(s)
    print(f"{c:>7}  {mp:>10.0f}  {ms:>10.0f}  {ms / mp:>6.2f}   "
          + " ".join(f"{x:.0f}" for x in p) + " | " + " ".join(f"{x:.0f}" for x in s))
PY
