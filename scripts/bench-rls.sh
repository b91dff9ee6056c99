#!/usr/bin/env bash
# make bench-rls: what row-level security costs on a million persons.
#
# Loads `shebao admin seed-demo --persons $BENCH_PERSONS --offices $BENCH_OFFICES` (default one
# million across 500 offices, timed) into a throwaway cluster, then runs two queries with
# pgbench, each in a transaction that sets the scope to one district (its subtree):
#   list   the first 50 persons of the scope by id
#   point  one person by id
# once as the application role (row-level security filters the rows), and once as the
# superuser with the same offices written into the query (no row-level security), in the same
# run, rounds interleaved. Prints TPS, the ratio, and both plans of each query.
# Options via environment: BENCH_PERSONS, BENCH_OFFICES, BENCH_SECONDS (10), BENCH_ROUNDS (3).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

persons=${BENCH_PERSONS:-1000000}
offices=${BENCH_OFFICES:-500}
seconds=${BENCH_SECONDS:-10}
rounds=${BENCH_ROUNDS:-3}

scripts/install-deps.sh
swift build -c release --product shebao
bin=$(swift build -c release --show-bin-path)
start_throwaway_cluster "$bin" benchrls --set max_connections=50 --set shared_buffers=512MB \
    --set fsync=off --set synchronous_commit=off --set full_page_writes=off --set max_wal_size=4GB
pgbench_bin=$(command -v pgbench || echo "$SHEBAO_PG_BIN/pgbench")
psql_admin -c "CREATE DATABASE shebao"
admin_url="${SHEBAO_PG_URL%/postgres}/shebao"
app_password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
SHEBAO_APP_PASSWORD=$app_password "$bin/shebao" migrate --database-url "$admin_url" --app-user bench_app > /dev/null
app_url=$(echo "$admin_url" | sed -E "s|//postgres:[^@]*@|//bench_app:$app_password@|")

echo "== seed-demo --persons $persons --offices $offices"
started=$(date +%s)
"$bin/shebao" admin seed-demo --database-url "$admin_url" --persons "$persons" --offices "$offices"
echo "loaded in $(( $(date +%s) - started )) s"

psql_db() { "$SHEBAO_PG_BIN/psql" "$admin_url" -X -q -t -A -v ON_ERROR_STOP=1 "$@"; }
# The scope: the first district of Nanjing and the service points under it.
office=$(psql_db -c "SELECT id FROM shebao.office WHERE code = '320102'")
ids=$(psql_db -c "SELECT array_agg(id)::text FROM shebao.office WHERE path <@ (SELECT path FROM shebao.office WHERE id = $office)")
in_scope=$(psql_db -c "SELECT count(*) FROM shebao.person WHERE office_id = ANY ('$ids'::bigint[])")
echo "scope: office $office and its subtree $ids, $in_scope of $persons persons"

dir=$THROWAWAY_DIR
cat > "$dir/list-rls.sql" <<SQL
BEGIN;
SELECT shebao.enter_scope($office, NULL);
SELECT id, name, citizen_id FROM shebao.person ORDER BY id LIMIT 50;
COMMIT;
SQL
cat > "$dir/list-plain.sql" <<SQL
BEGIN;
SELECT shebao.enter_scope($office, NULL);
SELECT id, name, citizen_id FROM shebao.person WHERE office_id = ANY ('$ids'::bigint[]) ORDER BY id LIMIT 50;
COMMIT;
SQL
cat > "$dir/point-rls.sql" <<SQL
\set id random(1, $persons)
BEGIN;
SELECT shebao.enter_scope($office, NULL);
SELECT id, name, citizen_id, phone FROM shebao.person WHERE id = :id;
COMMIT;
SQL
cat > "$dir/point-plain.sql" <<SQL
\set id random(1, $persons)
BEGIN;
SELECT shebao.enter_scope($office, NULL);
SELECT id, name, citizen_id, phone FROM shebao.person WHERE id = :id AND office_id = ANY ('$ids'::bigint[]);
COMMIT;
SQL

tps() { "$pgbench_bin" -n -M prepared -c 4 -j 2 -T "$seconds" -f "$2" "$1" 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '\n%-8s %14s %14s %8s\n' query "RLS tps" "no-RLS tps" ratio
for query in list point; do
    : > "$dir/$query.rls"; : > "$dir/$query.plain"
    for _ in $(seq 1 "$rounds"); do
        tps "$app_url" "$dir/$query-rls.sql" >> "$dir/$query.rls"
        tps "$admin_url" "$dir/$query-plain.sql" >> "$dir/$query.plain"
    done
    rls=$(median < "$dir/$query.rls"); plain=$(median < "$dir/$query.plain")
    printf '%-8s %14.0f %14.0f %8.3f\n' "$query" "$rls" "$plain" "$(echo "$rls / $plain" | bc -l)"
done
echo "(medians of $rounds rounds of ${seconds}s, 4 clients; ratio = RLS / no RLS; per-round: $dir/*.rls, *.plain)"

for query in list point; do
    for variant in rls plain; do
        url=$admin_url; [ "$variant" = rls ] && url=$app_url
        echo; echo "== plan: $query, $variant"
        sed -e 's/:id/4242/' -e '/^\\set/d' -e 's/^SELECT id/EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT id/' \
            "$dir/$query-$variant.sql" | "$SHEBAO_PG_BIN/psql" "$url" -X -q -v ON_ERROR_STOP=1 | grep -v '^ *set_config\|^-\|^(1 row)\|^ *[0-9]*$\|^$'
    done
done
