#!/usr/bin/env bash
# make bench-outbox: the scheduler delivering queued webhook messages to a receiver on loopback
# (nginx over TLS answering 204), against pgbench running the same claim-and-mark statements
# with no HTTP, in the same run on the same throwaway cluster.
#
# Each round queues BENCH_MESSAGES (default 100000) webhook rows, times one `shebao scheduler`
# (release build) from its start until every row is sent, and reads its peak resident memory
# (VmHWM); then queues the rows again and runs pgbench with one client, as the scheduler has one
# delivering thread, on the statements the scheduler runs per message: the fenced touch and the
# template in one transaction scoped to the row's office, the fenced mark-sent in another, and a
# claim of 100 rows every 100 messages. pgbench pops its claimed rows from a table (a round trip
# more per message than the scheduler, which keeps its batch in memory). Prints messages per
# second (medians of BENCH_ROUNDS, default 3), the ratio, and the scheduler's peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

scripts/install-deps.sh
if ! command -v nginx >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
        apt-get install -y nginx >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y nginx >/dev/null; }
    else
        echo "bench-outbox needs nginx (the receiver): sudo apt-get install -y nginx" >&2
        exit 1
    fi
fi
swift build -c release --product shebao
bin=$(swift build -c release --show-bin-path)
messages=${BENCH_MESSAGES:-100000}
rounds=${BENCH_ROUNDS:-3}

start_throwaway_cluster "$bin" outbox --set max_connections=100
pgbench_bin=$(command -v pgbench || echo "$SHEBAO_PG_BIN/pgbench")
psql_admin -c "CREATE DATABASE shebao_bench"
admin_url="${SHEBAO_PG_URL%/postgres}/shebao_bench"
app_url="postgresql://bench_app:bench-app-password@127.0.0.1:$SHEBAO_PG_PORT/shebao_bench"
"$bin/shebao" migrate --database-url "$admin_url" >/dev/null
db() { "$SHEBAO_PG_BIN/psql" "$admin_url" -X -q -v ON_ERROR_STOP=1 "$@"; }

db <<'SQL'
SET client_min_messages = warning;
CREATE ROLE bench_app LOGIN PASSWORD 'bench-app-password' IN ROLE shebao_app;
INSERT INTO shebao.office (code, region_code, level, name) VALUES ('320000', '320000', 'province', '基准测试');
INSERT INTO shebao.person (office_id, citizen_id, name, gender, birth_date, household_type, phone)
SELECT id, '320102199001010010', '张三', 'male', '1990-01-01', 'urban', '13800138000' FROM shebao.office;
-- pgbench's claimed batch: the scheduler keeps it in memory.
CREATE UNLOGGED TABLE public.bench_claimed (holder text, outbox_id bigint, office bigint, epoch bigint);
GRANT SELECT, INSERT, DELETE ON public.bench_claimed TO bench_app;
CREATE FUNCTION public.bench_pop(who text) RETURNS TABLE (outbox_id bigint, office bigint, epoch bigint)
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM public.bench_claimed c WHERE c.holder = who) THEN
        INSERT INTO public.bench_claimed
        SELECT who, x.outbox_id, x.office, x.epoch
        FROM shebao.outbox_claim(who, 30000 * interval '1 millisecond', 'webhook', 100) AS x;
    END IF;
    RETURN QUERY DELETE FROM public.bench_claimed c
        WHERE c.holder = who AND c.outbox_id = (SELECT min(d.outbox_id) FROM public.bench_claimed d WHERE d.holder = who)
        RETURNING c.outbox_id, c.office, c.epoch;
END
$$;
SQL
queue() {
    db -c "TRUNCATE shebao.inbox_message, shebao.notification_outbox" -c "DELETE FROM public.bench_claimed" \
        -c "INSERT INTO shebao.notification_outbox (office_id, person_id, channel, template, payload)
            SELECT o.id, p.id, 'webhook', 'application.approved', jsonb_build_object('applicationId', i::text,
                'type', 'enrolment', 'typeName', '参保登记', 'voucherNumber', 'V' || i::text)
            FROM shebao.office o, shebao.person p, generate_series(1, $messages) AS i" \
        -c "VACUUM ANALYZE shebao.notification_outbox"
}
sent() { db -At -c "SELECT count(*) FROM shebao.notification_outbox WHERE status = 'sent'"; }

# The receiver: nginx over TLS with a certificate of its own, which the scheduler trusts.
receiver=$THROWAWAY_DIR/receiver
mkdir -p "$receiver"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -addext "subjectAltName=IP:127.0.0.1" -days 2 \
    -keyout "$receiver/key.pem" -out "$receiver/cert.pem" 2>/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$receiver/nginx.conf" <<NGINX
daemon off;
worker_processes 1;
pid $receiver/nginx.pid;
error_log $receiver/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $receiver/body;
    server {
        listen 127.0.0.1:$port ssl;
        ssl_certificate $receiver/cert.pem;
        ssl_certificate_key $receiver/key.pem;
        keepalive_requests 1000000;
        location / { return 204; }
    }
}
NGINX
nginx -c "$receiver/nginx.conf" -p "$receiver" &
nginx_pid=$!
trap 'kill "$nginx_pid" 2>/dev/null || true; stop_throwaway_cluster' EXIT
for _ in $(seq 1 50); do
    curl -sk -o /dev/null -X POST "https://127.0.0.1:$port/hook" && break
    sleep 0.1
done

script=$THROWAWAY_DIR/deliver.sql
cat > "$script" <<'SQL'
SELECT outbox_id, office, epoch FROM public.bench_pop('pgbench') \gset
BEGIN;
SELECT shebao.enter_scope(:office::bigint, NULL::bigint), set_config('shebao.principal_kind', 'system', true), set_config('shebao.principal_id', '', true), CASE WHEN NULL::bigint IS NOT NULL THEN set_config('role', 'shebao_person', true) END;
UPDATE shebao.notification_outbox o SET lease_expires_at = now() + 30000::bigint * interval '1 millisecond' WHERE o.id = :outbox_id AND o.lease_epoch = :epoch AND o.lease_holder = 'pgbench' AND o.status = 'pending' RETURNING o.channel, o.address, o.template, o.payload::text, o.attempts, o.person_id, o.operator_id, coalesce((SELECT p.preferred_language FROM shebao.person p WHERE p.id = o.person_id), (SELECT x.preferred_language FROM shebao.operator x WHERE x.id = o.operator_id), 'zh');
SELECT title, body FROM shebao.notification_template WHERE template = 'application.approved' AND language IN ('zh', 'zh') ORDER BY (language = 'zh') DESC LIMIT 1;
COMMIT;
BEGIN;
SELECT shebao.enter_scope(:office::bigint, NULL::bigint), set_config('shebao.principal_kind', 'system', true), set_config('shebao.principal_id', '', true), CASE WHEN NULL::bigint IS NOT NULL THEN set_config('role', 'shebao_person', true) END;
UPDATE shebao.notification_outbox SET status = 'sent', sent_at = now(), attempts = attempts + 1, last_error = NULL, lease_holder = NULL, lease_expires_at = NULL WHERE id = :outbox_id AND lease_epoch = :epoch AND lease_holder = 'pgbench' AND status = 'pending' RETURNING extract(epoch FROM now() - created_at)::float8;
COMMIT;
SQL

results=$THROWAWAY_DIR/results.tsv
for r in $(seq 1 "$rounds"); do
    queue
    start=$(date +%s.%N)
    DATABASE_URL=$app_url SHEBAO_WEBHOOK_SECRET=bench-webhook-secret-0123456789 \
        "$bin/shebao" scheduler --webhook-url "https://127.0.0.1:$port/hook" \
        --gateway-ca-bundle "$receiver/cert.pem" --poll-interval 1 2>"$THROWAWAY_DIR/scheduler.log" &
    scheduler=$!
    peak=0
    while [ "$(sent)" -lt "$messages" ]; do
        kill -0 "$scheduler" 2>/dev/null || { cat "$THROWAWAY_DIR/scheduler.log" >&2; exit 1; }
        peak=$(awk '/^VmHWM:/ { print $2 }' "/proc/$scheduler/status" 2>/dev/null || echo "$peak")
        sleep 0.2
    done
    end=$(date +%s.%N)
    peak=$(awk '/^VmHWM:/ { print $2 }' "/proc/$scheduler/status" 2>/dev/null || echo "$peak")
    kill -TERM "$scheduler"
    wait "$scheduler" || true
    echo -e "scheduler\t$r\t$(python3 -c "print($messages / ($end - $start))")\t$peak" >> "$results"

    queue
    tps=$(PGPASSWORD=bench-app-password "$pgbench_bin" -h 127.0.0.1 -p "$SHEBAO_PG_PORT" -U bench_app -n \
        -M prepared -c 1 -j 1 -t "$messages" -f "$script" shebao_bench 2>/dev/null | awk '/^tps = / { print $3 }')
    [ "$(sent)" -eq "$messages" ] || { echo "bench-outbox: pgbench did not mark every row" >&2; exit 1; }
    echo -e "pgbench\t$r\t$tps\t0" >> "$results"
done

python3 - "$results" "$messages" "$rounds" <<'PY'
import sys, statistics, collections
rate, rss = collections.defaultdict(list), []
for line in open(sys.argv[1]):
    who, r, value, peak = line.rstrip("\n").split("\t")
    rate[who].append(float(value))
    if who == "scheduler":
        rss.append(int(peak) / 1024)
s, p = statistics.median(rate["scheduler"]), statistics.median(rate["pgbench"])
fmt = lambda xs: " ".join(f"{x:.0f}" for x in xs)
print(f"outbox delivery, {sys.argv[2]} webhook messages x {sys.argv[3]} rounds; medians")
print(f"  scheduler -> nginx over TLS  {s:8.0f} messages/s   ({fmt(rate['scheduler'])})")
print(f"  pgbench, same statements      {p:8.0f} messages/s   ({fmt(rate['pgbench'])})")
print(f"  ratio scheduler / pgbench     {s / p:8.2f}   (goal at least 0.5)")
print(f"  scheduler peak RSS (VmHWM)    {statistics.median(rss):8.1f} MiB  (max {max(rss):.1f}; goal under 64)")
PY
