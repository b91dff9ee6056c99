# Shared by the scripts: a throwaway PostgreSQL cluster in a temporary folder, stopped and
# deleted when the calling script exits.
#
#   start_throwaway_cluster BIN NAME [--set name=value ...]
#
# BIN is the folder holding the built shebao executable. Sets SHEBAO_PG_URL, SHEBAO_PG_PORT,
# SHEBAO_PG_PID, SHEBAO_PG_BIN and THROWAWAY_DIR, and defines psql_admin (psql as superuser).

start_throwaway_cluster() {
    local bin=$1 name=$2
    shift 2
    THROWAWAY_DIR=$(mktemp -d "${TMPDIR:-/tmp}/shebao-$name.XXXXXX")
    # The cluster runs as the postgres OS user when we are root: it must reach the folder.
    chmod 755 "$THROWAWAY_DIR"
    THROWAWAY_SHEBAO=$bin/shebao
    trap 'stop_throwaway_cluster' EXIT
    trap 'exit 130' INT TERM
    eval "$("$bin/shebao" cluster start --dir "$THROWAWAY_DIR/pg" "$@")"
}

stop_throwaway_cluster() {
    "$THROWAWAY_SHEBAO" cluster stop --dir "$THROWAWAY_DIR/pg" --remove || true
    rm -rf "$THROWAWAY_DIR"
}

psql_admin() {
    "$SHEBAO_PG_BIN/psql" "$SHEBAO_PG_URL" -X -q -v ON_ERROR_STOP=1 "$@"
}
