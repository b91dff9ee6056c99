#!/usr/bin/env bash
# make bench-disburse: a whole monthly disbursement of BENCH_BENEFITS (default 1,000,000) active
# basic pensions across the demo offices, worked by one `shebao scheduler` (release build):
# computing every office's run, exporting its bank files, and importing the bank's answers
# (99% paid, 1% failed); against a bare `INSERT … SELECT` of the same lines into a table of the
# same columns, in the same run on the same throwaway cluster.
#
# Each round: the runs are created (one per office, as the schedule creates them) and the clock
# starts with the scheduler; "compute" ends when every run is computed; the runs are then
# approved and their export queued (as the approvers and officers would, in SQL), and "export"
# ends when every run is exported; the simulated bank (`ShebaoBench bank-answer`) answers every
# payment file and queues its import (not timed: that is the bank's side), and "import" ends
# when every run is reconciled. The scheduler's peak resident memory is its VmHWM at the end.
# Prints medians of BENCH_ROUNDS (default 1) and the ratio of compute + export to the bare
# insert.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

scripts/install-deps.sh
swift build -c release --product shebao
swift build -c release --product ShebaoBench
bin=$(swift build -c release --show-bin-path)
benefits=${BENCH_BENEFITS:-1000000}
rounds=${BENCH_ROUNDS:-1}

start_throwaway_cluster "$bin" disburse --set max_connections=100 --set shared_buffers=1GB \
    --set max_wal_size=8GB --set checkpoint_timeout=30min
psql_admin -c "CREATE DATABASE shebao_bench"
admin_url="${SHEBAO_PG_URL%/postgres}/shebao_bench"
app_url="postgresql://bench_app:bench-app-password@127.0.0.1:$SHEBAO_PG_PORT/shebao_bench"
"$bin/shebao" migrate --database-url "$admin_url" >/dev/null
db() { "$SHEBAO_PG_BIN/psql" "$admin_url" -X -q -v ON_ERROR_STOP=1 "$@"; }
scalar() { db -At -c "$1"; }

echo "loading $benefits benefits (shebao admin seed-demo)"
load_start=$(date +%s.%N)
"$bin/shebao" admin seed-demo --database-url "$admin_url" --persons "$benefits" --benefits "$benefits" >/dev/null
echo "  loaded in $(python3 -c "print(f'{$(date +%s.%N) - $load_start:.0f}')") s"
db <<'SQL'
SET client_min_messages = warning;
CREATE ROLE bench_app LOGIN PASSWORD 'bench-app-password' IN ROLE shebao_app;
-- The bare insert's table: the lines' columns, an identity key, nothing else.
CREATE TABLE public.bench_line (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, office_id bigint, run_id bigint, benefit_id bigint,
    person_id bigint, period integer, payee_name text, bank_code text, bank_card_number text, amount_fen bigint
);
VACUUM ANALYZE;
SQL
period=$(scalar "SELECT shebao.current_period()")
payable="b.kind = 'basic_pension' AND b.status = 'active' AND b.start_period <= $period
    AND (b.end_period IS NULL OR b.end_period >= $period) AND b.monthly_amount_fen > 0"
active=$(scalar "SELECT count(*) FROM shebao.benefit b WHERE $payable")

reset() {
    db -c "TRUNCATE shebao.return_line, shebao.disbursement_task, shebao.bank_file, shebao.bank_batch,
        shebao.run_exclusion, shebao.payment_attempt, shebao.payment_obligation, shebao.disbursement_run,
        shebao.notification_outbox, public.bench_line CASCADE" -c "CHECKPOINT"
}
count_runs() { scalar "SELECT count(*) FROM shebao.disbursement_run WHERE status = '$1'"; }
now() { date +%s.%N; }

results=$THROWAWAY_DIR/results.tsv
for r in $(seq 1 "$rounds"); do
    reset
    # The anchor: the same lines in one bare INSERT … SELECT.
    start=$(now)
    db -c "INSERT INTO public.bench_line (office_id, run_id, benefit_id, person_id, period, payee_name, bank_code,
            bank_card_number, amount_fen)
        SELECT b.office_id, 0, b.id, b.person_id, $period, p.name, b.bank_code, b.bank_card_number, b.monthly_amount_fen
        FROM shebao.benefit b JOIN shebao.person p ON p.id = b.person_id
        WHERE $payable"
    bare=$(python3 -c "print($(now) - $start)")
    db -c "TRUNCATE public.bench_line" -c "CHECKPOINT"

    db -c "INSERT INTO shebao.disbursement_run (office_id, benefit_kind, period, value_date, origin)
            SELECT DISTINCT b.office_id, 'basic_pension', $period, make_date($period / 100, $period % 100, 15), 'schedule'
            FROM shebao.benefit b WHERE b.kind = 'basic_pension'" \
        -c "INSERT INTO shebao.disbursement_task (office_id, run_id, kind, stage, total)
            SELECT r.office_id, r.id, 'compute', 'payees', (SELECT count(*) FROM shebao.benefit b
                WHERE b.office_id = r.office_id AND b.kind = 'basic_pension') FROM shebao.disbursement_run r"
    runs=$(scalar "SELECT count(*) FROM shebao.disbursement_run")
    approver=$(scalar "SELECT o.id FROM shebao.operator o JOIN shebao.role_assignment a ON a.operator_id = o.id
        WHERE a.role = 'disbursement_approver' LIMIT 1")

    start=$(now)
    DATABASE_URL=$app_url "$bin/shebao" scheduler --poll-interval 1 --lease-duration 60 \
        --sms-log "$THROWAWAY_DIR/sms.log" 2>"$THROWAWAY_DIR/scheduler.log" &
    scheduler=$!
    trap 'kill "$scheduler" 2>/dev/null || true; stop_throwaway_cluster' EXIT
    peak=0
    wait_for() {
        while [ "$(count_runs "$1")" -lt "$runs" ]; do
            kill -0 "$scheduler" 2>/dev/null || { cat "$THROWAWAY_DIR/scheduler.log" >&2; exit 1; }
            sleep 0.2
        done
        peak=$(awk '/^VmHWM:/ { print $2 }' "/proc/$scheduler/status")
    }
    wait_for computed
    computed=$(now)
    db -c "UPDATE shebao.disbursement_run SET status = 'approved', approved_by = $approver, approved_at = now(),
            version = version + 1" \
        -c "INSERT INTO shebao.disbursement_task (office_id, run_id, kind, stage)
            SELECT office_id, id, 'export', 'batches' FROM shebao.disbursement_run"
    approved=$(now)
    wait_for exported
    exported=$(now)
    lines=$(scalar "SELECT sum(line_count) FROM shebao.disbursement_run")
    answered=$("$bin/ShebaoBench" bank-answer --url "$admin_url" --fail-every 100)
    imported_from=$(now)
    wait_for reconciled
    reconciled=$(now)
    peak=$(awk '/^VmHWM:/ { print $2 }' "/proc/$scheduler/status")
    kill -TERM "$scheduler"
    wait "$scheduler" || true
    paid=$(scalar "SELECT sum(paid_count) FROM shebao.disbursement_run")
    failed=$(scalar "SELECT sum(failed_count) FROM shebao.disbursement_run")
    [ "$lines" -eq "$active" ] && [ "$answered" -eq "$lines" ] && [ $((paid + failed)) -eq "$lines" ] || {
        echo "bench-disburse: $active active benefits, $lines lines, $answered answered, $paid paid, $failed failed" >&2
        exit 1
    }
    python3 -c "print('\t'.join(str(x) for x in [$r, $bare, $computed - $start, $exported - $approved,
        $reconciled - $imported_from, $peak, $lines, $paid, $failed, $runs]))" >> "$results"
done

python3 - "$results" <<'PY'
import sys, statistics
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
col = lambda i: [float(r[i]) for r in rows]
bare, compute, export, imported, rss = col(1), col(2), col(3), col(4), col(5)
both = [c + e for c, e in zip(compute, export)]
m = statistics.median
fmt = lambda xs: " ".join(f"{x:.1f}" for x in xs)
last = rows[-1]
print(f"disbursement of {int(last[6]):,} lines in {last[9]} runs, {len(rows)} round(s); medians in seconds")
print(f"  bare INSERT … SELECT of the lines   {m(bare):7.1f}   ({fmt(bare)})")
print(f"  compute                              {m(compute):7.1f}   ({fmt(compute)})")
print(f"  export (bank files)                  {m(export):7.1f}   ({fmt(export)})")
print(f"  compute + export                     {m(both):7.1f}   (goal under 60)")
print(f"  ratio (compute + export) / bare      {m(both) / m(bare):7.2f}   (goal at most 2)")
print(f"  import of the answers (99% paid)     {m(imported):7.1f}   ({fmt(imported)}; goal under 30;"
      f" {int(last[7]):,} paid, {int(last[8]):,} failed)")
print(f"  scheduler peak RSS (VmHWM)           {max(rss) / 1024:7.1f} MiB (goal under 128)")
PY
