#!/usr/bin/env bash
# bench/lib/drill-shell-mariadb.sh: a MariaDB restore drill done by hand, the way an operator
# without lifeboat would script it with stock tools. It is the `shell` contender of
# `bench/drill.sh --engine mariadb`, which times it against `lifeboat drill run`; it can also be
# run on its own.
#
#   1. a private server: mktemp dir owned by mysql, mariadb-install-db, mariadbd on a Unix socket
#      in that dir only (--skip-networking), CREATE DATABASE restored
#   2. restore: age -d -i KEY OBJECT | zstd -d | mariadb restored   (the stock pipeline)
#   3. the checks through mariadb -e, each compared with its expectation, and a row count of
#      every base table compared with the counts in the backup's manifest
#   4. teardown: SIGTERM to mariadbd (its clean shutdown), wait, rm -rf (also when a step fails)
#
# Matched with lifeboat's ephemeral MariaDB sandbox so that both do the same work on an equal
# server (drills/.../mariadb/PrivateMariaDbServer.java, EphemeralMariaDbSandboxProvider.java and
# MariaDbClient.java; bench/drill.sh compares SERVER_OPTIONS and INSTALL_OPTIONS below with
# PrivateMariaDbServer.java and warns when they drift):
#   mariadb-install-db --no-defaults --auth-root-authentication-method=normal --skip-test-db
#                      --skip-name-resolve, as the mysql user (setpriv, else runuser)
#   mariadbd --no-defaults, datadir, socket, pid file, error log and tmpdir in the private dir,
#            and SERVER_OPTIONS: no networking, no binary log, no doublewrite, flush at commit
#            off, 256M buffer pool, utf8mb4, max_allowed_packet 1G
#   the client: --protocol=SOCKET as root, --batch --binary-mode --default-character-set=utf8mb4,
#            each check in a session with max_statement_time set, as lifeboat's client does;
#            the row counts with lifeboat's own queries (MariaDbClient.TABLES_SQL, then
#            COUNT(*) of every table in one client call)
# Not matched (lifeboat does more): SHA-256 of the stored object against the manifest, the
# rewrite of the dump's DEFINER clauses to the sandbox login on the way in (the shell restores
# as root, which may create objects for any definer), SELECT VERSION() for a version warning,
# the crash marker and orphan reaping, the result file in the state directory.
#
# Run as root: mariadbd refuses root, so install and server run as the mysql user; the client
# runs as root, which may use the 0700 socket directory.
#
# Exit codes: 0 restored and every check passed; 1 a step or a check failed; 2 bad usage.

set -euo pipefail

# The private server's options (see the header); --print-settings prints them for bench/drill.sh.
SERVER_OPTIONS=(
    --skip-networking
    --skip-log-bin
    --skip-name-resolve
    --innodb-flush-log-at-trx-commit=0
    --innodb-doublewrite=0
    --innodb-buffer-pool-size=256M
    --character-set-server=utf8mb4
    --collation-server=utf8mb4_general_ci
    --max-allowed-packet=1G
)
INSTALL_OPTIONS=(--no-defaults --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve)
readonly SERVER_OPTIONS INSTALL_OPTIONS
readonly START_WAIT=600    # tenths of a second (lifeboat: 60 s, polling every 100 ms)
readonly STOP_WAIT=300     # tenths of a second (lifeboat: 30 s after SIGTERM, then SIGKILL)
readonly CHECK_TIMEOUT=300 # seconds, the session's max_statement_time (lifeboat: the check's timeout)
readonly TABLES_SQL="SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') ORDER BY TABLE_NAME"

usage() {
    cat <<EOF
Usage: bench/lib/drill-shell-mariadb.sh --object FILE --identity FILE --manifest FILE --checks FILE
                                        [--sandbox-dir DIR] [--steps FILE] [--record FILE]
       bench/lib/drill-shell-mariadb.sh --print-settings

  --object FILE     the stored backup (age of zstd of mariadb-dump's SQL)
  --identity FILE   age identity that decrypts it
  --manifest FILE   the backup's manifest (its row_counts are compared)
  --checks FILE     one check per line: name<TAB>sql<TAB>expectation, where the expectation
                    is '>= N', '<= N', '= VALUE' or 'true'
  --sandbox-dir DIR where the server's directory is made (default: \$TMPDIR or /tmp)
  --steps FILE      append "step seconds" lines (sandbox, restore, checks, teardown)
  --record FILE     append the server directory as soon as it exists (for the caller's cleanup)
  --print-settings  print the server and install options ("server --x", "install --y") and exit
EOF
}

OBJECT="" IDENTITY="" MANIFEST="" CHECKS="" SANDBOX_DIR="${TMPDIR:-/tmp}" STEPS=/dev/null RECORD=/dev/null
while (($#)); do
    case "$1" in
        --print-settings)
            printf 'server %s\n' "${SERVER_OPTIONS[@]}"
            printf 'install %s\n' "${INSTALL_OPTIONS[@]}"
            exit 0 ;;
        -h|--help) usage; exit 0 ;;
        --object|--identity|--manifest|--checks|--sandbox-dir|--steps|--record)
            (($# >= 2)) || { usage >&2; exit 2; } ;;&
        --object) OBJECT=$2; shift 2 ;;
        --identity) IDENTITY=$2; shift 2 ;;
        --manifest) MANIFEST=$2; shift 2 ;;
        --checks) CHECKS=$2; shift 2 ;;
        --sandbox-dir) SANDBOX_DIR=$2; shift 2 ;;
        --steps) STEPS=$2; shift 2 ;;
        --record) RECORD=$2; shift 2 ;;
        *) echo "drill-shell-mariadb: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
done
[[ -r "$OBJECT" && -r "$IDENTITY" && -r "$MANIFEST" && -r "$CHECKS" ]] \
    || { echo "drill-shell-mariadb: --object, --identity, --manifest and --checks must be readable files" >&2; exit 2; }
((EUID == 0)) || { echo "drill-shell-mariadb: run as root (the server runs as the mysql user)" >&2; exit 2; }

# As lifeboat's ServerAccount: setpriv (execs in place), runuser where util-linux lacks it.
if command -v setpriv >/dev/null; then
    AS_MYSQL=(setpriv --reuid="$(id -u mysql)" --regid="$(id -g mysql)" --init-groups --)
else
    AS_MYSQL=(runuser -u mysql --)
fi
DRILL_NAME=drill-shell-mariadb
# shellcheck source=drill-checks.sh
source "$(dirname "${BASH_SOURCE[0]}")/drill-checks.sh"

SERVER_PID=""
# The client as lifeboat runs it, as root through the socket.
client() {
    mariadb --no-defaults --protocol=SOCKET --socket="$DIR/socket/mysqld.sock" --user=root --connect-timeout=10 \
        --batch --binary-mode --skip-print-query-on-error --default-character-set=utf8mb4 "$@"
}

# For teardown (lib/drill-checks.sh): SIGTERM, MariaDB's clean shutdown; SIGKILL after STOP_WAIT.
stop_server() {
    local i
    [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for ((i = 0; i < STOP_WAIT; i++)); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
}

# 1. sandbox -----------------------------------------------------------------------------------
t0=$(now)
make_sandbox_dir "$SANDBOX_DIR" "$RECORD" mysql
"${AS_MYSQL[@]}" mkdir -m 700 "$DIR/socket" "$DIR/tmp"
(cd "$DIR" && "${AS_MYSQL[@]}" mariadb-install-db "${INSTALL_OPTIONS[@]}" --datadir="$DIR/data") >"$DIR/install.log" 2>&1 \
    || { tail -20 "$DIR/install.log" >&2; fail mariadb-install-db; }
(cd "$DIR" && exec "${AS_MYSQL[@]}" mariadbd --no-defaults --datadir="$DIR/data" --socket="$DIR/socket/mysqld.sock" \
    --pid-file="$DIR/mariadbd.pid" --log-error="$DIR/server.log" --tmpdir="$DIR/tmp" "${SERVER_OPTIONS[@]}") \
    </dev/null >/dev/null 2>&1 &
SERVER_PID=$!
for ((i = 0; i < START_WAIT; i++)); do
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -15 "$DIR/server.log" >&2; fail "mariadbd exited during start"; }
    if [[ -S "$DIR/socket/mysqld.sock" ]] && client -e 'SELECT 1' >/dev/null 2>&1; then break; fi
    sleep 0.1
done
((i < START_WAIT)) || { tail -15 "$DIR/server.log" >&2; fail "mariadbd did not accept connections"; }
client -e 'CREATE DATABASE `restored`' || fail "CREATE DATABASE restored"
step sandbox "$t0"

# 2. restore -----------------------------------------------------------------------------------
t0=$(now)
age -d -i "$IDENTITY" "$OBJECT" | zstd -d -q | client --database=restored \
    || fail "age -d | zstd -d | mariadb"
step restore "$t0"

# 3. checks ------------------------------------------------------------------------------------
t0=$(now)
tables=$(client --skip-column-names --database=restored -e "$TABLES_SQL") || fail "listing the tables"
count_sql=""
while read -r t; do
    [[ -n "$t" ]] && count_sql+="SELECT '$t', COUNT(*) FROM \`$t\`;"
done <<<"$tables"
# Each check in a session with a statement deadline, as lifeboat's client runs it.
check_query() {
    client --skip-column-names --database=restored -e "SET SESSION max_statement_time = $CHECK_TIMEOUT; $1"
}
actual=$(check_query "$count_sql" | tr '\t' ' ') || fail "row counts"
require_row_counts "$MANIFEST" "$actual"
run_checks "$CHECKS" check_query 1
step checks "$t0"
# 4. teardown: the EXIT trap
