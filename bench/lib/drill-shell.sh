#!/usr/bin/env bash
# bench/lib/drill-shell.sh: a restore drill done by hand, the way an operator without lifeboat
# would script it with stock tools. It is the `shell` and `shell-j2` contenders of
# bench/drill.sh, which times it against `lifeboat drill run`; it can also be run on its own.
#
#   1. a private cluster: mktemp dir owned by postgres, initdb, pg_ctl start on a Unix socket
#      in that dir only (no TCP), createdb restored
#   2. restore:  stream  age -d -i KEY OBJECT | zstd -d | pg_restore -d restored   (the stock pipeline)
#                j2      age -d -i KEY OBJECT | zstd -d > FILE; pg_restore -j 2 -d restored FILE
#   3. the checks through psql -At -c, each compared with its expectation, and a row count of
#      every table compared with the counts in the backup's manifest
#   4. teardown: pg_ctl stop -m fast, rm -rf (also when a step fails)
#
# Matched with lifeboat's ephemeral sandbox so that both do the same work on an equal server
# (drills/.../postgres/PrivatePostgresCluster.java and EphemeralPostgresSandboxProvider.java;
# bench/drill.sh compares SERVER_SETTINGS below with those files and warns when they drift):
#   initdb -U postgres -E UTF8 --locale=C.UTF-8 (C without it) --auth-local=trust
#          --auth-host=reject --no-sync
#   server: listen_addresses '' (socket only), unix_socket_permissions 0700, and
#           PrivatePostgresCluster.DEFAULT_SETTINGS  fsync, synchronous_commit, full_page_writes off
#           EphemeralPostgresSandbox RESTORE_SETTINGS max_wal_size 4GB, maintenance_work_mem 256MB,
#                                                    autovacuum off
#   createdb -T template0 restored; pg_restore --no-owner --no-privileges --exit-on-error
#   (-j 2 like lifeboat's RESTORE_JOBS in j2 mode); the row counts with lifeboat's own query
#   (PostgresClient.ROW_COUNTS_SCRIPT: count(*) FROM ONLY every plain table, via \gexec).
# Not matched (lifeboat does more): SHA-256 of the stored object against the manifest, the
# sandbox's crash marker and orphan reaping, the result file in the state directory.
#
# Run as root: initdb, pg_ctl and postgres refuse root, so they run as the postgres user
# (runuser -u postgres --); psql and pg_restore run as root, which may use the 0700 socket.
#
# Exit codes: 0 restored and every check passed; 1 a step or a check failed; 2 bad usage.

set -euo pipefail

# name=value settings for the throwaway server (see the header).
SERVER_SETTINGS=(
    "fsync=off"
    "synchronous_commit=off"
    "full_page_writes=off"
    "max_wal_size=4GB"
    "maintenance_work_mem=256MB"
    "autovacuum=off"
)
readonly SERVER_SETTINGS
readonly RESTORE_JOBS=2
readonly PORT=5432   # socket-only: the port only names the socket file inside our private dir

# The same query lifeboat's row count check runs (PostgresClient.ROW_COUNTS_SCRIPT).
read -r -d '' ROW_COUNTS_SQL <<'EOF' || true
SELECT format('SELECT %L, count(*) FROM ONLY %I.%I', n.nspname || '.' || c.relname, n.nspname, c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
ORDER BY n.nspname, c.relname
\gexec
EOF

usage() {
    cat <<EOF
Usage: bench/lib/drill-shell.sh --object FILE --identity FILE --manifest FILE --checks FILE
                                [--mode stream|j2] [--sandbox-dir DIR] [--dump-dir DIR] [--pg-bin DIR]
                                [--steps FILE] [--record FILE]
       bench/lib/drill-shell.sh --print-settings

  --object FILE     the stored backup (age of zstd of pg_dump -Fc)
  --identity FILE   age identity that decrypts it
  --manifest FILE   the backup's manifest (its row_counts are compared)
  --checks FILE     one check per line: name<TAB>sql<TAB>expectation, where the expectation
                    is '>= N', '<= N', '= VALUE' or 'true'
  --mode            stream (default): age -d | zstd -d | pg_restore; j2: decrypt to a file
                    in --dump-dir, then pg_restore -j $RESTORE_JOBS
  --sandbox-dir DIR where the cluster's directory is made (default: \$TMPDIR or /tmp)
  --dump-dir DIR    where j2 writes the plaintext dump (default: \$TMPDIR or /tmp)
  --pg-bin DIR      PostgreSQL binaries (default: /usr/lib/postgresql/15/bin)
  --steps FILE      append "step seconds" lines (sandbox, restore, checks, teardown)
  --record FILE     append the cluster directory as soon as it exists (for the caller's cleanup)
  --print-settings  print the server settings, one name=value per line, and exit
EOF
}

OBJECT="" IDENTITY="" MANIFEST="" CHECKS="" MODE=stream SANDBOX_DIR="${TMPDIR:-/tmp}" DUMP_DIR="${TMPDIR:-/tmp}"
PG_BIN=/usr/lib/postgresql/15/bin STEPS=/dev/null RECORD=/dev/null
while (($#)); do
    case "$1" in
        --print-settings) printf '%s\n' "${SERVER_SETTINGS[@]}"; exit 0 ;;
        -h|--help) usage; exit 0 ;;
        --object|--identity|--manifest|--checks|--mode|--sandbox-dir|--dump-dir|--pg-bin|--steps|--record)
            (($# >= 2)) || { usage >&2; exit 2; } ;;&
        --object) OBJECT=$2; shift 2 ;;
        --identity) IDENTITY=$2; shift 2 ;;
        --manifest) MANIFEST=$2; shift 2 ;;
        --checks) CHECKS=$2; shift 2 ;;
        --mode) MODE=$2; shift 2 ;;
        --sandbox-dir) SANDBOX_DIR=$2; shift 2 ;;
        --dump-dir) DUMP_DIR=$2; shift 2 ;;
        --pg-bin) PG_BIN=$2; shift 2 ;;
        --steps) STEPS=$2; shift 2 ;;
        --record) RECORD=$2; shift 2 ;;
        *) echo "drill-shell: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
done
[[ -r "$OBJECT" && -r "$IDENTITY" && -r "$MANIFEST" && -r "$CHECKS" ]] \
    || { echo "drill-shell: --object, --identity, --manifest and --checks must be readable files" >&2; exit 2; }
[[ "$MODE" == stream || "$MODE" == j2 ]] || { echo "drill-shell: --mode stream|j2" >&2; exit 2; }
((EUID == 0)) || { echo "drill-shell: run as root (the server runs as the postgres user)" >&2; exit 2; }

as_postgres() { runuser -u postgres -- "$@"; }
DRILL_NAME=drill-shell
# shellcheck source=drill-checks.sh
source "$(dirname "${BASH_SOURCE[0]}")/drill-checks.sh"

DUMP=""
# For teardown (lib/drill-checks.sh): the j2 dump, then the server (fast, else immediate).
stop_server() {
    [[ -z "$DUMP" ]] || rm -f "$DUMP"
    if [[ -n "$DIR" && -f "$DIR/data/postmaster.pid" ]]; then
        as_postgres "$PG_BIN/pg_ctl" stop -D "$DIR/data" -m fast -w >/dev/null \
            || as_postgres "$PG_BIN/pg_ctl" stop -D "$DIR/data" -m immediate -w >/dev/null || true
    fi
}

# 1. sandbox -----------------------------------------------------------------------------------
t0=$(now)
make_sandbox_dir "$SANDBOX_DIR" "$RECORD" postgres
as_postgres mkdir -m 700 "$DIR/socket"
locale=C; [[ -d /usr/lib/locale/C.utf8 || -d /usr/lib/locale/C.UTF-8 ]] && locale=C.UTF-8
as_postgres "$PG_BIN/initdb" -D "$DIR/data" -U postgres -E UTF8 --locale="$locale" \
    --auth-local=trust --auth-host=reject --no-sync >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; fail initdb; }
{
    echo "listen_addresses = ''"
    echo "port = $PORT"
    echo "unix_socket_directories = '$DIR/socket'"
    echo "unix_socket_permissions = 0700"
    for s in "${SERVER_SETTINGS[@]}"; do echo "${s%%=*} = '${s#*=}'"; done
} >>"$DIR/data/postgresql.conf"
as_postgres "$PG_BIN/pg_ctl" start -w -D "$DIR/data" -l "$DIR/server.log" >/dev/null \
    || { tail -20 "$DIR/server.log" >&2; fail "pg_ctl start"; }
export PGHOST="$DIR/socket" PGPORT=$PORT PGUSER=postgres
unset PGDATABASE PGPASSWORD
"$PG_BIN/createdb" -T template0 restored || fail createdb
step sandbox "$t0"

# 2. restore -----------------------------------------------------------------------------------
t0=$(now)
restore_opts=(--no-owner --no-privileges --exit-on-error -d restored)
if [[ "$MODE" == stream ]]; then
    age -d -i "$IDENTITY" "$OBJECT" | zstd -d -q | "$PG_BIN/pg_restore" "${restore_opts[@]}" \
        || fail "age -d | zstd -d | pg_restore"
else
    DUMP=$(mktemp "$DUMP_DIR/lifeboat-bench-drill-dump.XXXXXX")   # mktemp: 0600
    age -d -i "$IDENTITY" "$OBJECT" | zstd -d -q -f -o "$DUMP" || fail "age -d | zstd -d > $DUMP"
    step decrypt "$t0"
    t0=$(now)
    "$PG_BIN/pg_restore" "${restore_opts[@]}" -j "$RESTORE_JOBS" "$DUMP" || fail "pg_restore -j $RESTORE_JOBS"
    rm -f "$DUMP"; DUMP=""
fi
step restore "$t0"

# 3. checks ------------------------------------------------------------------------------------
t0=$(now)
actual=$("$PG_BIN/psql" -X -At -F ' ' -v ON_ERROR_STOP=1 -d restored -f - <<<"$ROW_COUNTS_SQL") \
    || fail "row counts"
require_row_counts "$MANIFEST" "$actual"
check_query() { "$PG_BIN/psql" -X -At -v ON_ERROR_STOP=1 -d restored -c "$1"; }
run_checks "$CHECKS" check_query t
step checks "$t0"
# 4. teardown: the EXIT trap
