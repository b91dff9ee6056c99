#!/usr/bin/env bash
# make fuzz-api, and the last step of make test: the HTTP API against its own OpenAPI
# description, with schemathesis, as a user of every kind.
#
# 1. installs schemathesis (pinned) into .venv-fuzz/ unless it is there already;
# 2. creates a fresh database in the cluster of SHEBAO_PG_URL (make test passes its own) or
#    in a throwaway cluster of its own, migrates it and loads the demo data;
# 3. starts `shebao serve` (a supervisor and 2 workers) on a free loopback port as the
#    application's role, and waits for /readyz;
# 4. logs in as the demo operator of every role and as an insured person, each just before
#    its run, and runs `st run` as each: every phase, every check; three runs at a time;
# 5. starts last a run of the routes that log in, log out and change a password, and of the
#    public ones, with sessions of a throwaway operator of their own;
# 6. prints one line per run and every failure with the runs that met it; the reports
#    (console log, JUnit, NDJSON, the server's log) stay in .shebao/fuzz-api/;
# 7. stops the server (and the cluster, if it started one) whatever happened; exits non-zero
#    on any failure of any run.
#
# FUZZ_API_SEED: the seed of every run (default a fixed one; `random` for a new one; the seed
# used is printed, and FUZZ_API_SEED=N replays it). FUZZ_API_EXAMPLES: test cases per
# operation in the fuzzing phase (default 8; the clerk, who reaches the most operations, gets
# twice as many). FUZZ_API_JOBS: runs at a time (default 3).
#
# Checks: all of them (`--checks all`), none turned off. object_level_authorization needs two
# identities in one run (schemathesis' `[auth.wfc] peers`), so with one session per run it
# has nothing to compare and stays silent. The statuses a schema-valid request may rightly get
# (412, 415, 422), and the 428 of a missing If-Match, are configured per operation, with the
# reasons, in FuzzTesting/api/schemathesis.toml; the hooks that keep every request's
# Idempotency-Key its own are in FuzzTesting/api/hooks.py.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

schemathesis_version=4.32.5
venv=.venv-fuzz
reports=.shebao/fuzz-api
# The demo operators' password (DemoData.Options().password): a throwaway database's.
demo_password='Shebao@2026'
examples=${FUZZ_API_EXAMPLES:-8}
seed=${FUZZ_API_SEED:-20261203}
if [ "$seed" = random ]; then
    seed=$(( (RANDOM << 15) | RANDOM ))
elif ! [[ $seed =~ ^[0-9]+$ ]]; then
    echo "fuzz-api: FUZZ_API_SEED is a whole number or 'random', not '$seed'" >&2
    exit 2
fi
echo "fuzz-api: seed $seed (FUZZ_API_SEED=$seed replays this run)"

# Standalone, build what is needed; under make test, SHEBAO_BIN is the build it tests.
if [ -z "${SHEBAO_BIN:-}" ]; then
    scripts/install-deps.sh
    swift build --product shebao
    SHEBAO_BIN="$(swift build --show-bin-path)/shebao"
fi

if ! "$venv/bin/st" --version 2>/dev/null | grep -qx "st, version $schemathesis_version"; then
    echo "fuzz-api: installing schemathesis $schemathesis_version into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
fi
python="$venv/bin/python"

work=$(mktemp -d "${TMPDIR:-/tmp}/shebao-fuzz-api.XXXXXX")
server_pid=""
jobs_started=()
started_cluster=false
cleanup() {
    # Runs still going (an interrupt, or a failure of the script itself) end first: each is the
    # leader of its process group, st and the log-in helper included.
    local pid
    for pid in "${jobs_started[@]}"; do
        kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    done
    stop_server
    rm -rf "$work"
    if $started_cluster; then
        stop_throwaway_cluster
    fi
}
stop_server() {
    [ -n "$server_pid" ] || return 0
    # The supervisor drains its workers on SIGTERM; one that does not stop in time is killed,
    # and so are its workers, which are its children.
    local workers
    workers=$(pgrep -P "$server_pid" || true)
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 150); do
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$server_pid" 2>/dev/null; then
        echo "fuzz-api: the server did not stop in 15 s; killing it" >&2
        kill -KILL "$server_pid" $workers 2>/dev/null || true
    fi
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

if [ -n "${SHEBAO_PG_URL:-}" ]; then
    # make test's cluster: SHEBAO_PG_BIN comes with it; it stops the cluster itself.
    : "${SHEBAO_PG_BIN:?SHEBAO_PG_URL needs SHEBAO_PG_BIN beside it}"
    trap cleanup EXIT
    trap 'exit 130' INT TERM
else
    # Durability is not what this measures.
    start_throwaway_cluster "$(dirname "$SHEBAO_BIN")" fuzz-api \
        --set fsync=off --set synchronous_commit=off --set full_page_writes=off
    started_cluster=true
    trap cleanup EXIT
fi

rm -rf "$reports"
mkdir -p "$reports"

# A database of its own, so that a cluster shared with other tests is left as it was.
database=shebao_fuzz_api
admin_url="${SHEBAO_PG_URL%/postgres}/$database"
psql_admin -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "CREATE DATABASE $database"
app_user=shebao_fuzz_api
app_password=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
SHEBAO_APP_PASSWORD=$app_password "$SHEBAO_BIN" migrate --database-url "$admin_url" --app-user "$app_user" >/dev/null
"$SHEBAO_BIN" admin seed-demo --database-url "$admin_url" --quiet
app_url=$(echo "$admin_url" | sed -E "s|//[^@]*@|//$app_user:$app_password@|")
psql_db() { "$SHEBAO_PG_BIN/psql" "$admin_url" -X -q -t -A -v ON_ERROR_STOP=1 "$@"; }

# The throwaway sessions of the last run belong to an operator in an office outside the demo
# administrator's, so that nothing the administrator's run does (disable, reset, revoke) can
# end them; its one-time password leaves it only the log-out, password and `me` routes.
other_office=$(psql_db -c "
    SELECT code FROM shebao.office WHERE level = 'district' AND NOT path <@ (
        SELECT o.path FROM shebao.office o JOIN shebao.operator p ON p.office_id = o.id WHERE p.username = 'admin')
    ORDER BY code LIMIT 1")
session_password=$("$SHEBAO_BIN" admin create-operator --database-url "$admin_url" --username fuzz.sessions \
    --display-name "接口测试会话" --office "$other_office" --role clerk | sed -n 's/^one-time password: \([^ ]*\).*/\1/p')
[ -n "$session_password" ] || { echo "fuzz-api: could not create the sessions' operator" >&2; exit 1; }
# The insured person: the first with a mobile number, to send the log-in code to.
citizen_id=$(psql_db -c "SELECT citizen_id FROM shebao.person WHERE id_type = 'citizen' AND phone IS NOT NULL ORDER BY id LIMIT 1")

# A free port can be taken between the probe and the bind: then the server stops, and another
# port is tried.
for attempt in 1 2 3; do
    port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    base="http://127.0.0.1:$port"
    DATABASE_URL=$app_url SHEBAO_PUBLIC_URL=$base \
        "$SHEBAO_BIN" serve --workers 2 --host 127.0.0.1 --port "$port" >"$reports/server.log" 2>&1 &
    server_pid=$!
    ready=false
    for _ in $(seq 1 600); do
        if curl -sf -o /dev/null "$base/readyz"; then
            ready=true
            break
        fi
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    $ready && break
    stop_server
    if [ "$attempt" -eq 3 ]; then
        echo "fuzz-api: the server did not become ready on $base within 60 s; its log follows" >&2
        tail -40 "$reports/server.log" >&2
        exit 1
    fi
done
echo "fuzz-api: shebao serve (pid $server_pid) ready on $base"

export FUZZ_API_BASE=$base FUZZ_API_PSQL="$SHEBAO_PG_BIN/psql" FUZZ_API_DB_URL=$admin_url
export SCHEMATHESIS_HOOKS="$PWD/FuzzTesting/api/hooks.py"
# Nothing of Python's in the work tree: no __pycache__ beside the hooks, and Hypothesis's own
# caches (character tables) where the other local state is.
export PYTHONDONTWRITEBYTECODE=1 HYPOTHESIS_STORAGE_DIRECTORY="$PWD/.shebao/hypothesis"
# The routes that start, end or change a session, and the public ones: tested by the last run.
session_routes='^/api/v1/auth/(login|logout|password|person/.*)$'
public_routes='^/(healthz|readyz|metrics|verify/.*|api/v1/openapi\.json)$'

# st as one principal: run NAME MAX_EXAMPLES [st options...]; its status goes to a file, since
# runs go on in the background.
run() {
    local name=$1 max=$2
    shift 2
    mkdir -p "$reports/$name"
    local status=0
    # A run that hangs is cut off: the step has a time budget of minutes.
    timeout 900 "$venv/bin/st" --config-file FuzzTesting/api/schemathesis.toml run "$base/api/v1/openapi.json" \
        --checks all --phases examples,coverage,fuzzing,stateful --max-examples "$max" --seed "$seed" \
        --report junit,ndjson --report-dir "$reports/$name" --no-color "$@" \
        >"$reports/$name/st.log" 2>&1 || status=$?
    echo "$status" >"$reports/$name/status"
    echo "fuzz-api: $name finished (exit $status)"
}

# An operator's run: one log-in (a TOTP code is accepted once), then st with its session.
run_operator() {
    local name=$1 max=$2 token
    shift 2
    if ! token=$("$python" FuzzTesting/api/login.py operator "$name" "$demo_password" 2>"$work/$name.login"); then
        mkdir -p "$reports/$name"
        cat "$work/$name.login" >&2
        echo "log-in failed" >"$reports/$name/status"
        : >"$work/$name.logged-in"
        return 0
    fi
    # Its presence says the log-in is over (the last run waits for the administrator's).
    : >"$work/$name.logged-in"
    run "$name" "$max" -H "Authorization: Bearer $token" "$@"
}

run_person() {
    local token
    if ! token=$("$python" FuzzTesting/api/login.py person "$citizen_id" 2>"$work/person.login"); then
        mkdir -p "$reports/person"
        cat "$work/person.login" >&2
        echo "log-in failed" >"$reports/person/status"
        return 0
    fi
    run person "$examples" -H "Authorization: Bearer $token" \
        --exclude-path-regex "$session_routes|$public_routes|^/api/v1/admin/"
}

# What each principal's run covers. The clerk, who reaches the most operations, gets twice the
# examples. The administration routes refuse everyone but administrators alike, and each
# refused call costs a password hash today (0.5 s of CPU): the clerk's run checks that
# refusal, and the other runs leave those routes out.
start_run() {
    case $1 in
        clerk) run_operator clerk $((examples * 2)) --exclude-path-regex "$session_routes|$public_routes" ;;
        admin) run_operator admin "$examples" --exclude-path-regex "$session_routes|$public_routes" ;;
        person) run_person ;;
        *) run_operator "$1" "$examples" --exclude-path-regex "$session_routes|$public_routes|^/api/v1/admin/" ;;
    esac
}

# FUZZ_API_JOBS runs at a time: a single run mostly waits on the server (its password hashes
# are gated, its handlers on the database), so three keep two cores busier than two do. The administrator can disable or reset the other operators and
# so end their sessions: its run starts when theirs are over. Each run is a process group of
# its own (job control), so that an interrupt ends all it started.
jobs=${FUZZ_API_JOBS:-3}
set -m
started=$(date +%s)
operator_pids=()
for name in clerk reviewer auditor officer approver manager person; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
        wait -n || true
    done
    start_run "$name" &
    jobs_started+=($!)
    [ "$name" = person ] || operator_pids+=($!)
done
wait "${operator_pids[@]}" || true
start_run admin &
admin_pid=$!
jobs_started+=($admin_pid)

# The last run: log-in, log-out, password change and the public routes. It starts once every
# other run has logged in, since the fuzzer's wrong passwords may reach the per-address limit
# of failed log-ins, after which every log-in from here is answered 429 (documented) for the
# rest of the window; its own sessions are minted first for the same reason. They belong to
# an operator nobody else uses, so it may run beside the administrator's.
while [ ! -e "$work/admin.logged-in" ] && kill -0 "$admin_pid" 2>/dev/null; do
    sleep 0.2
done
"$python" FuzzTesting/api/login.py operator fuzz.sessions "$session_password" 10 >"$work/sessions"
FUZZ_API_SESSIONS="$work/sessions" run sessions "$examples" \
    --include-path-regex "$session_routes|$public_routes" &
jobs_started+=($!)
wait "${jobs_started[@]}" || true
jobs_started=()
set +m

runs=(clerk reviewer auditor officer approver manager admin person sessions)
echo
echo "== API fuzzing, seed $seed, $(( $(date +%s) - started )) s =="
"$python" FuzzTesting/api/summary.py "$reports" "${runs[@]}"
echo "reports: $reports/<run>/ (st.log with a curl command for each failure, junit*.xml, ndjson*.ndjson); the server's log: $reports/server.log"
failed=0
for name in "${runs[@]}"; do
    [ "$(cat "$reports/$name/status" 2>/dev/null)" = 0 ] || failed=1
done
if [ "$failed" -ne 0 ]; then
    echo "fuzz-api: failures found (replay with FUZZ_API_SEED=$seed scripts/fuzz-api.sh)" >&2
fi
exit "$failed"
