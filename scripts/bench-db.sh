#!/usr/bin/env bash
# make bench-db: the Swift client against pgbench, same statements, same throwaway cluster, same run.
#
# Statements (those of the pg-baseline anchor): a point SELECT by primary key and a small INSERT,
# each in autocommit, as prepared statements; at 1, 8 and 16 concurrent clients. Prints a table
# of transactions (SELECT+INSERT pairs) per second and the ratio client / pgbench.
# Options via environment: BENCH_SECONDS (default 15), BENCH_ROUNDS (default 3), BENCH_CLIENTS.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

scripts/install-deps.sh
swift build -c release --product shebao
swift build -c release --product ShebaoBench
bin=$(swift build -c release --show-bin-path)

seconds=${BENCH_SECONDS:-15}
rounds=${BENCH_ROUNDS:-3}
clients=${BENCH_CLIENTS:-"1 8 16"}

start_throwaway_cluster "$bin" bench --set max_connections=100
url=$SHEBAO_PG_URL
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

script=$THROWAWAY_DIR/pair.sql
cat > "$script" <<'SQL'
\set id random(1, 10000)
SELECT id, name, price_cents FROM bench_item WHERE id = :id;
INSERT INTO bench_event (item_id, kind) VALUES (:id, 'view');
SQL

results=$THROWAWAY_DIR/results.tsv
for c in $clients; do
    for r in $(seq 1 "$rounds"); do
        # Alternate the three within each round so drift on a noisy machine hits all alike.
        # pgbench twice: one thread per connection (the Swift client's model: a handler thread
        # blocks on its connection) and pg-baseline's two threads multiplexing the connections.
        for j in "$c" 2; do
            [ "$j" -gt "$c" ] && continue
            tps=$("$pgbench_bin" "$url" -n -M prepared -c "$c" -j "$j" -T "$seconds" -f "$script" 2>/dev/null \
                | awk '/^tps = / { print $3 }')
            echo -e "pgbench-j$j\t$c\t$r\t$tps" >> "$results"
            psql_admin -c "TRUNCATE bench_event"
        done
        tps=$("$bin/ShebaoBench" --url "$url" --clients "$c" --seconds "$seconds")
        echo -e "swift\t$c\t$r\t$tps" >> "$results"
        psql_admin -c "TRUNCATE bench_event"
    done
done

python3 - "$results" "$seconds" "$rounds" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    who, c, r, tps = line.rstrip("\n").split("\t")
    if who.startswith("pgbench-j"):
        who = "pgbench-same" if who == f"pgbench-j{c}" else "pgbench-j2"
    rows[(who, int(c))].append(float(tps))
print(f"SELECT+INSERT pairs per second (prepared, autocommit), {sys.argv[2]} s x {sys.argv[3]} rounds; medians")
print("pgbench -j N: one thread per connection, as the Swift client; pgbench -j 2: two threads multiplexing")
print(f"{'clients':>7}  {'swift':>8}  {'pgb -j N':>8}  {'ratio':>5}  {'pgb -j 2':>8}  {'ratio':>5}   runs swift | -j N | -j 2")
for c in sorted({c for _, c in rows}):
    s, p, q = rows[("swift", c)], rows[("pgbench-same", c)], rows.get(("pgbench-j2", c), [])
    ms, mp = statistics.median(s), statistics.median(p)
    mq = statistics.median(q) if q else mp
    fmt = lambda xs: " ".join(f"{x:.0f}" for x in xs)
    print(f"{c:>7}  {ms:>8.0f}  {mp:>8.0f}  {ms / mp:>5.2f}  {mq:>8.0f}  {ms / mq:>5.2f}   "
          f"{fmt(s)} | {fmt(p)} | {fmt(q) if q else '(same)'}")
PY
