#!/usr/bin/env bash
# bench/drill.sh: how long does `lifeboat drill run` take to prove that a backup of a realistic
# PostgreSQL database restores, next to the same drill done by hand with stock tools?
#
# Contenders, measured side by side in one run on the same backup (bench/lib/drill-shell.sh is
# the hand-written drill; its header lists what was matched with lifeboat's sandbox):
#   lifeboat  ./lifeboat --config CONF drill run bench --format json   (ephemeral sandbox)
#   shell     private cluster (initdb, pg_ctl start, socket only); createdb;
#             age -d -i KEY OBJECT | zstd -d | pg_restore -d restored  (streamed: the stock way);
#             the same checks with psql -At -c, row counts against the manifest; pg_ctl stop, rm -rf
#   shell-j2  the same, but decrypted to a file first, then pg_restore -j 2 (for context: what
#             lifeboat did before it streamed; see README.md for why it stopped)
#
# With --engine mariadb (bench/lib/drill-shell-mariadb.sh, matched with lifeboat's ephemeral
# MariaDB sandbox, PrivateMariaDbServer.java):
#   lifeboat  the same command, on a backup of the MariaDB database (lib/generate-mariadb.sql)
#   shell     private server (mariadb-install-db in a temp dir, mariadbd on a Unix socket only,
#             skip-networking); CREATE DATABASE restored; age -d | zstd -d | mariadb restored;
#             the same checks with mariadb -e, row counts against the manifest; SIGTERM, rm -rf
#   (no shell-j2: the mariadb client restores on one connection)
#
# Set-up, untimed: the database of bench/backup.sh (lib/generate.sql, reused while current), one
# `lifeboat backup run` of it into a file:// target in the work dir, an age key pair there, and
# a configuration with one drill and four checks on the generated shop (CHECK_* below) that
# both lifeboat and the shell contenders run. The stored object is read once to put it in the
# page cache. Then --runs rounds with the contender order rotated each round; medians reported.
#
# What is measured (lib/common.sh measure()): wall time, peak RSS (GNU time %M: the largest
# single process the command waited for, so the JVM for lifeboat, pg_restore or psql for the
# shell; never the sandbox server, which daemonizes), CPU time and the CPU the rest of the
# machine used meanwhile. As root, each run goes into a private cgroup, so CPU s includes the
# sandbox's PostgreSQL server (where most of a restore's CPU goes) and "other CPU" is work that
# is not ours; without a cgroup the server's CPU shows up as "other CPU" instead. A run that
# leaves a process behind in its cgroup (a sandbox server not stopped) fails.
#
# Target (from the issue): lifeboat wall <= 1.0 x shell (the streamed pipeline).
#
# Exit codes: 0 measured (the target may still be missed: see PASS/FAIL, or use --strict);
# 1 a contender failed, or --strict and the target was missed; 2 bad usage; 3 set-up failed.

set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
readonly SCRIPT_DIR REPO_ROOT
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"
readonly TARGET_WALL_RATIO="1.0"
# Warn when the machine spent more than this many cores on average outside the measured run.
# With the cgroup nothing of ours is outside (file:// target, the source database idle), so
# this is other people's work; without it the sandbox server is outside too, hence the second.
readonly OTHER_CPU_WARN="0.5"
readonly OTHER_CPU_WARN_NO_CGROUP="2.5"
# Where the sandboxes go: lifeboat's ephemeral clusters go under java.io.tmpdir, which is /tmp
# on Linux whatever TMPDIR says; the shell's go there too, so both write to the same disk.
readonly SANDBOX_PARENT=/tmp

# The drill's checks, run by both sides: name, SQL, expectation (lifeboat's syntax; the shell
# understands >=, <=, = and true). Row counts against the manifest come on top, built in.
# MariaDB has no boolean: its comparison is 1 or 0, so the last check expects "= 1" there.
CHECK_NAMES=(
    "orders present"
    "order totals add up"
    "every order has items"
    "newest order"
)
CHECK_SQL=(
    "SELECT count(*) FROM orders"
    "SELECT count(*) FROM orders WHERE total <> subtotal + tax + shipping_cost"
    "SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id)"
    "SELECT max(placed_at) >= timestamptz '2024-12-31' FROM orders"
)
CHECK_EXPECT=(">= 1" "= 0" "= 0" "true")
CHECK_SQL_MARIADB_LAST="SELECT max(placed_at) >= '2024-12-31' FROM orders"

# The shared options (ENGINE, SCALE, RUNS, ...) are parse_args's in lib/common.sh.
RESULTS_NAME=drill-results
# shell-j2 is PostgreSQL's pg_restore -j 2; the mariadb client restores on one connection only.
contenders_for() { if [[ "$1" == mariadb ]]; then echo "lifeboat,shell"; else echo "lifeboat,shell,shell-j2"; fi; }

# Set during the run.
PG_BIN=""
AGE_KEY=""
AGE_RECIPIENT=""
DB_BYTES=0
GEN_SECONDS=""
D=""              # $WORK/drill: everything of this benchmark
CONF=""
CHECKS_FILE=""
RESULTS=""
STEPS=""
OBJECT=""
MANIFEST=""
BACKUP_ID=""
STORED_BYTES=0
RAW_BYTES=0
SETTINGS_NOTE=""
CGROUP=0
ALL_CONTENDERS=""
SHELL_DRILL=""    # lib/drill-shell.sh or lib/drill-shell-mariadb.sh
SERVER_NAME=""    # the sandbox's server, for the report

usage() {
    cat <<EOF
Usage: bench/drill.sh [options]

Backs up the benchmark database of bench/backup.sh once with lifeboat (untimed), then measures
wall time, CPU and peak RSS of 'lifeboat drill run' (ephemeral sandbox) against the same drill
done by hand: initdb, 'age -d | zstd -d | pg_restore', the checks through psql, teardown (for
MariaDB: mariadb-install-db and a socket-only mariadbd, 'age -d | zstd -d | mariadb', the checks
through 'mariadb -e', teardown). Prints medians, lifeboat's per-step times, the ratio and
PASS/FAIL against the target (lifeboat <= ${TARGET_WALL_RATIO}x the streamed shell pipeline).

Options:
  --engine E           postgres (default) or mariadb: the source database and the sandbox
  --scale N            database size multiplier, as for bench/backup.sh: 1 (~1.4 GB,
                       database lifeboat_bench) or more (lifeboat_bench_xN); fractional
                       scales (0.05) for a quick end-to-end check
  --runs N             timed runs per contender, median reported (default 3)
  --contenders LIST    comma-separated subset of $(contenders_for postgres)
                       (MariaDB: $(contenders_for mariadb)); default: all
  --format text|json   json also writes the results to a file (see --json-out)
  --json-out FILE      where --format json writes (default WORK/drill-results-scaleN.json;
                       WORK/mariadb/drill-results-mariadb-scaleN.json for MariaDB)
  --regenerate         drop and regenerate the database even if it looks current
  --drop-db            drop the benchmark database at the end (it is kept for reuse otherwise)
  --java-opts OPTS     JVM options for lifeboat (exported as LIFEBOAT_JAVA_OPTS; default: the
                       launcher's own)
  --strict             exit 1 when the target is missed (default: report FAIL, exit 0)
  --wait-idle SECONDS  before each run, wait up to SECONDS for the machine to be idle (less
                       than $IDLE_CORES cores busy), for shared machines; default 0: do not wait
  -h, --help           this text

Runs as root (the shell contenders start PostgreSQL as the postgres user with runuser, MariaDB
as the mysql user with setpriv, as lifeboat does).
Disk: the restored cluster (~2.5 GB per scale unit at its peak, in $SANDBOX_PARENT for lifeboat and
the shell alike) and, for shell-j2 only, the plaintext dump (~0.9 GB per scale unit, in WORK).

Environment: BENCH_DIR (work dir, default bench/work; MariaDB's in its mariadb/), PGHOST/PGPORT/
PGUSER (default 127.0.0.1/5432/postgres, trust auth), MYHOST/MYPORT/MYUSER (default
127.0.0.1/3306/root, empty password).

Exit codes: 0 measured; 1 a contender failed (or --strict and the target missed); 2 bad usage;
3 set-up failed (database server, tools, build, backup, disk space).
EOF
}

# What follows from the options: the engine's checks, shell drill and file names.
setup_engine() {
    ALL_CONTENDERS=$(contenders_for "$ENGINE")
    D="$WORK/drill"
    CONF="$D/lifeboat.yaml"
    CHECKS_FILE="$D/checks.tsv"
    RESULTS="$D/results.txt"
    STEPS="$D/steps.txt"
    if [[ "$ENGINE" == mariadb ]]; then
        CHECK_SQL[3]=$CHECK_SQL_MARIADB_LAST
        CHECK_EXPECT[3]="= 1"
        SHELL_DRILL="$SCRIPT_DIR/lib/drill-shell-mariadb.sh"
        SERVER_NAME=MariaDB
    else
        SHELL_DRILL="$SCRIPT_DIR/lib/drill-shell.sh"
        SERVER_NAME=PostgreSQL
    fi
    readonly CHECK_NAMES CHECK_SQL CHECK_EXPECT
}

# Server binaries for the shell contenders (lifeboat finds its own the same way: the server's major).
ensure_server_binaries() {
    local t
    ((EUID == 0)) || die 3 "run as root: the shell contenders start the server as its system user"
    if [[ "$ENGINE" == mariadb ]]; then
        for t in mariadb mariadbd mariadb-install-db; do
            command -v "$t" >/dev/null || die 3 "no $t (apt-get install mariadb-server mariadb-client)"
        done
        id mysql >/dev/null 2>&1 || die 3 "no mysql system user"
        return
    fi
    for t in initdb pg_ctl postgres pg_restore createdb psql; do
        [[ -x "$PG_BIN/$t" ]] || die 3 "no $PG_BIN/$t (apt-get install postgresql-${PG_BIN//[^0-9]/})"
    done
    id postgres >/dev/null 2>&1 || die 3 "no postgres system user"
}

# Peak of one drill: the restored cluster in SANDBOX_PARENT (2.4 GB measured at scale 1: data and
# WAL, which max_wal_size = 4GB lets grow before a checkpoint) and the plaintext dump in WORK
# (~0.9 GB per scale unit). MariaDB: the restored InnoDB files (~1.6 GB per scale unit, plus
# redo log and temporary files for the index builds); no plaintext dump.
check_disk() {
    if [[ "$ENGINE" == mariadb ]]; then
        require_free_for_database 2500
        require_free "$SANDBOX_PARENT" "$(scaled 3000)"
        require_free "$WORK" "$(scaled 500)"
    else
        require_free_for_database 1600
        require_free "$SANDBOX_PARENT" "$(scaled 3000)"
        require_free "$WORK" "$(scaled 1400)"
    fi
}

# The shell contenders must run the server lifeboat's sandbox runs; compare the settings with
# the Java sources and say so in the report when they drifted apart.
check_settings_match() {
    if [[ "$ENGINE" == mariadb ]]; then check_settings_match_mariadb; return; fi
    local java="$REPO_ROOT/drills/src/main/java/io/lifeboat/drills/postgres" ours theirs
    if [[ ! -f "$java/PrivatePostgresCluster.java" || ! -f "$java/EphemeralPostgresSandboxProvider.java" ]]; then
        SETTINGS_NOTE="could not find lifeboat's sandbox settings in $java to compare"
        return
    fi
    ours=$(bash "$SHELL_DRILL" --print-settings | sort)
    theirs=$( {
        grep -o 'm\.put("[A-Za-z_]*", "[^"]*")' "$java/PrivatePostgresCluster.java" \
            | sed -E 's/m\.put\("([^"]*)", "([^"]*)"\)/\1=\2/'
        awk '/RESTORE_SETTINGS = Map\.of\(/ { on = 1 } on { print } on && /\);/ { exit }' \
            "$java/EphemeralPostgresSandboxProvider.java" \
            | grep -o '"[A-Za-z_]*", *"[^"]*"' | sed -E 's/"([^"]*)", *"([^"]*)"/\1=\2/'
    } | sort)
    settings_verdict "$ours" "$theirs"
}

# PrivateMariaDbServer.SERVER_OPTIONS (the server) and InstalledDataDirs.INSTALL_OPTIONS (mariadb-install-db),
# against lib/drill-shell-mariadb.sh --print-settings ("server --x" and "install --y" lines).
check_settings_match_mariadb() {
    local java="$REPO_ROOT/drills/src/main/java/io/lifeboat/drills/mariadb/PrivateMariaDbServer.java" ours theirs
    local installed="$REPO_ROOT/drills/src/main/java/io/lifeboat/drills/mariadb/InstalledDataDirs.java"
    if [[ ! -f "$java" ]]; then
        SETTINGS_NOTE="could not find lifeboat's sandbox settings in $java to compare"
        return
    fi
    ours=$(bash "$SHELL_DRILL" --print-settings | sort)
    theirs=$( {
        awk '/SERVER_OPTIONS = List\.of\(/ { on = 1 } on { print } on && /\);/ { exit }' "$java" \
            | grep -o '"--[^"]*"' | tr -d '"' | sed 's/^/server /'
        awk '/INSTALL_OPTIONS = List\.of\(/ { on = 1 } on { print } on && /\);/ { exit }' "$installed" \
            | grep -o '"--[^"]*"' | tr -d '"' | sed 's/^/install /'
    } | sort)
    settings_verdict "$ours" "$theirs"
}

settings_verdict() {
    local ours=$1 theirs=$2
    if [[ "$ours" != "$theirs" ]]; then
        SETTINGS_NOTE="sandbox settings differ from lifeboat's (shell: $(echo "$ours" | tr '\n' ' ')| lifeboat: $(echo "$theirs" | tr '\n' ' ')): update $SHELL_DRILL"
        log "WARNING: $SETTINGS_NOTE"
    else
        log "sandbox settings match lifeboat's: $(echo "$ours" | tr '\n' ' ')"
    fi
}

# "a \"b\"" for YAML's double-quoted style (the check SQL has single quotes in it).
yaml_quote() { local s=${1//\\/\\\\}; printf '"%s"' "${s//\"/\\\"}"; }

write_config() {
    local i
    mkdir -p "$D/state"
    {
        cat <<EOF
# Written by bench/drill.sh; rewritten on every run.
state_dir: $D/state
sources:
$(source_yaml bench local)
targets:
  local:
    url: file://$D/repo
encryption:
  recipients: [ "$AGE_RECIPIENT" ]
  identity_file: $AGE_KEY
drills:
  bench:
    source: bench
    sandbox: ephemeral
    checks:
EOF
        for i in "${!CHECK_NAMES[@]}"; do
            printf '      - { name: %s, sql: %s, expect: %s }\n' "$(yaml_quote "${CHECK_NAMES[$i]}")" \
                "$(yaml_quote "${CHECK_SQL[$i]}")" "$(yaml_quote "${CHECK_EXPECT[$i]}")"
        done
    } >"$CONF"
    : >"$CHECKS_FILE"
    for i in "${!CHECK_NAMES[@]}"; do
        printf '%s\t%s\t%s\n' "${CHECK_NAMES[$i]}" "${CHECK_SQL[$i]}" "${CHECK_EXPECT[$i]}" >>"$CHECKS_FILE"
    done
}

# Untimed: build the CLI if stale, check the configuration loads, take the one backup.
setup_backup() {
    log "building lifeboat if needed (./lifeboat builds itself when its jar is stale)"
    "$REPO_ROOT/lifeboat" --version >"$WORK/logs/drill-build.log" 2>&1 \
        || { tail -30 "$WORK/logs/drill-build.log" >&2; die 3 "lifeboat did not build (log: $WORK/logs/drill-build.log)"; }
    "$REPO_ROOT/lifeboat" --config "$CONF" drill list >"$WORK/logs/drill-list.log" 2>&1 \
        || { cat "$WORK/logs/drill-list.log" >&2; die 3 "lifeboat does not accept $CONF"; }
    log "configuration loads: $(grep -E '^bench ' "$WORK/logs/drill-list.log" | tr -s ' ')"
    rm -rf "$D/repo"
    log "backing up $DB with lifeboat into file://$D/repo (untimed)"
    "$REPO_ROOT/lifeboat" --config "$CONF" backup run bench --format json >"$D/backup.json" 2>"$WORK/logs/drill-backup.err" \
        || { tail -20 "$WORK/logs/drill-backup.err" >&2; die 3 "lifeboat backup run failed (log: $WORK/logs/drill-backup.err)"; }
    OBJECT=$(find "$D/repo" -type f -name '*.dump.zst.age' | head -1)
    MANIFEST=$(find "$D/repo" -type f -name '*.manifest.json' | head -1)
    [[ -n "$OBJECT" && -n "$MANIFEST" ]] || die 3 "the backup left no object and manifest in $D/repo"
    BACKUP_ID=$(json_field backup_id <"$D/backup.json")
    STORED_BYTES=$(json_field stored_bytes <"$D/backup.json")
    RAW_BYTES=$(json_field raw_bytes <"$D/backup.json")
    log "backup $BACKUP_ID: $(mib "$STORED_BYTES") MiB stored, $(mib "$RAW_BYTES") MiB of dump"
    # Both sides read the same object: from the page cache, for all alike.
    cat "$OBJECT" >/dev/null
}

# The value of a top-level "key" : value line of Jackson's indented JSON (no jq on a fresh machine).
json_field() { awk -v k="\"$1\"" '$1 == k && $2 == ":" { v = $3; gsub(/[",]/, "", v); print v; exit }'; }

# "step seconds" for each entry of a drill result's "steps" array.
drill_steps() {
    awk '/^  "steps" : \[/ { on = 1; next } on && /^  [\]"]/ { exit }
        on && $1 == "\"name\"" { n = $3; gsub(/[",]/, "", n) }
        on && $1 == "\"seconds\"" { s = $3; gsub(/,/, "", s); print n, s }' "$1"
}

# Runs contender $1 once. Appends "name wall rss cpu other tree_cpu" to RESULTS and
# "name round step seconds" lines to STEPS.
run_contender() {
    local name=$1 round=$2 tfile errf json steps
    tfile="$WORK/logs/drill-$name.$round.time"
    errf="$WORK/logs/drill-$name.$round.err"
    json="$WORK/logs/drill-lifeboat.$round.json"
    steps="$D/steps.$name.$round"
    rm -f "$steps"
    local -a cmd
    # shellcheck disable=SC2016  # the inner bash expands its own positional parameters
    case "$name" in
        lifeboat)
            cmd=(bash -c '"$1" --config "$2" drill run bench --format json > "$3"' \
                _ "$REPO_ROOT/lifeboat" "$CONF" "$json") ;;
        shell|shell-j2)
            cmd=(bash "$SHELL_DRILL" --object "$OBJECT" --identity "$AGE_KEY"
                --manifest "$MANIFEST" --checks "$CHECKS_FILE" --steps "$steps"
                --sandbox-dir "$SANDBOX_PARENT" --record "$D/clusters.txt")
            [[ "$ENGINE" == mariadb ]] || cmd+=(--pg-bin "$PG_BIN")
            [[ "$name" == shell ]] || cmd+=(--mode j2 --dump-dir "$D/dumps") ;;
    esac
    if ! measure "$tfile" "$errf" "${cmd[@]}"; then
        log "$name failed in round $round; last lines of $errf:"
        tail -20 "$errf" >&2
        [[ "$name" != lifeboat ]] || grep -E '"(outcome|reason)"' "$json" >&2 || true
        return 1
    fi
    if [[ -n "$M_LEFT" ]]; then
        log "$name left processes running after it ended (pids $M_LEFT): its teardown is incomplete"
        return 1
    fi
    if [[ "$name" == lifeboat ]]; then
        local outcome
        outcome=$(json_field outcome <"$json")
        [[ "$outcome" == PASSED ]] || { log "lifeboat drill: outcome ${outcome:-missing} (log: $json)"; return 1; }
        drill_steps "$json" >"$steps"
        # The drill's own span (its JSON's started_at .. finished_at), to tell the time inside
        # the drill but in no step from the time outside it (JVM start, configuration, result).
        local t_start t_end
        t_start=$(date -d "$(json_field started_at <"$json")" +%s.%N)
        t_end=$(date -d "$(json_field finished_at <"$json")" +%s.%N)
        awk -v a="$t_start" -v b="$t_end" 'BEGIN { printf "span %.3f\n", b - a }' >>"$steps"
    fi
    awk -v n="$name" -v r="$round" '{ print n, r, $1, $2 }' "$steps" >>"$STEPS"
    printf '%s %s %s %s %s %s\n' "$name" "$M_WALL" "$M_RSS" "$M_CPU" "$M_OTHER" "$M_TREE_CPU" >>"$RESULTS"
    local restore
    restore=$(awk '$1 == "restore" { print $2 }' "$steps")
    log "$(printf '%-8s round %d: %6.2f s wall  %6.2f s CPU  %6.2f s other CPU  %6.1f MiB RSS  restore step %s s' \
        "$name" "$round" "$M_WALL" "$M_CPU" "$M_OTHER" "$(awk -v k="$M_RSS" 'BEGIN { print k / 1024 }')" "${restore:--}")"
    rm -f "$steps"
}

column_median() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$RESULTS" | median; }

# Median seconds of step $2 of contender $1, or "-" when it has no such step.
step_median() {
    local v
    v=$(awk -v n="$1" -v s="$2" '$1 == n && $3 == s { print $4 }' "$STEPS")
    if [[ -z "$v" ]]; then echo -; else echo "$v" | median; fi
}

fmt() { if [[ "$1" == - ]]; then echo -; else awk -v v="$1" 'BEGIN { printf "%.2f", v }'; fi; }

report() {
    local -A wall rss cpu other tree walls
    local measured=() c max_other warn_at
    # shellcheck disable=SC2034  # tree is read through a name reference in write_json
    for c in ${ALL_CONTENDERS//,/ }; do
        grep -q "^$c " "$RESULTS" 2>/dev/null || continue
        wall[$c]=$(column_median "$c" 2); rss[$c]=$(column_median "$c" 3); cpu[$c]=$(column_median "$c" 4)
        other[$c]=$(column_median "$c" 5); tree[$c]=$(column_median "$c" 6)
        walls[$c]=$(awk -v n="$c" '$1 == n { printf "%s%s", sep, $2; sep = "," }' "$RESULTS")
        measured+=("$c")
    done
    max_other=$(awk '$2 > 0 && $5 / $2 > m { m = $5 / $2 } END { printf "%.2f", m }' "$RESULTS")
    if ((CGROUP)); then warn_at=$OTHER_CPU_WARN; else warn_at=$OTHER_CPU_WARN_NO_CGROUP; fi

    echo
    echo "lifeboat drill benchmark ($ENGINE): scale $SCALE, database $DB, $(mib "$DB_BYTES") MiB on disk; backup" \
        "$(mib "$STORED_BYTES") MiB stored, $(mib "$RAW_BYTES") MiB dump; median of $RUNS runs; $(nproc) cores"
    printf '%-10s %8s %8s %10s %14s   %s\n' contender "wall s" "CPU s" "other CPU" "peak RSS MiB" "walls (s)"
    for c in "${measured[@]}"; do
        printf '%-10s %8.2f %8.2f %10.2f %14.1f   %s\n' "$c" "${wall[$c]}" "${cpu[$c]}" "${other[$c]}" \
            "$(awk -v k="${rss[$c]}" 'BEGIN { print k / 1024 }')" "${walls[$c]}"
    done
    [[ -z "$LIFEBOAT_FIRST_WALL" ]] || printf '%-10s %8.2f   %s\n' "(lifeboat)" "$LIFEBOAT_FIRST_WALL" \
        "its first run on this build, untimed, before the rounds: it records the JVM's AOT cache when the jar is new"
    if ((CGROUP)); then
        echo "(CPU s: the contender and its sandbox's $SERVER_NAME server, counted in a cgroup; other CPU: the rest"
        if [[ "$ENGINE" == mariadb ]]; then
            # mariadbd does not daemonize: both sides wait for their server, so %M is the server's
            echo " of the machine; peak RSS: the largest single process the command waited for, the sandbox's"
            echo " mariadbd included: it does not daemonize, so this is mostly the server's, on both sides)"
        else
            echo " of the machine; peak RSS: the largest single process the command waited for, never the server)"
        fi
    else
        echo "(no cgroup: CPU s is the contender's process tree only; the sandbox server's CPU is in other CPU)"
    fi

    echo
    echo "steps, median s  (lifeboat: fetch, verify and decrypt are parts of its restore stream; shell: the stream is the restore)"
    printf '%-10s %7s %7s %7s %8s %8s %8s %7s %9s %7s\n' contender fetch verify decrypt sandbox restore checks \
        teardown "sum" other
    local s sum v row
    for c in "${measured[@]}"; do
        row=() sum=0
        for s in fetch verify decrypt sandbox restore checks teardown; do
            v=$(step_median "$c" "$s")
            row+=("$(fmt "$v")")
            # lifeboat's fetch, verify and decrypt run inside its restore step (one stream): not added again
            [[ "$c" == lifeboat && "$s" =~ ^(fetch|verify|decrypt)$ ]] && continue
            [[ "$v" == - ]] || sum=$(awk -v a="$sum" -v b="$v" 'BEGIN { print a + b }')
        done
        # "other": the part of the wall time no step accounts for (lifeboat: JVM start,
        # configuration, listing the target, writing the result; shell: bash and runuser).
        printf '%-10s %7s %7s %7s %8s %8s %8s %7s %9.2f %7.2f\n' "$c" "${row[@]}" "$sum" \
            "$(awk -v w="${wall[$c]}" -v s="$sum" 'BEGIN { print w - s }')"
    done

    if [[ -n "${wall[lifeboat]:-}" ]]; then
        local span steps_sum=0
        span=$(step_median lifeboat span)
        # fetch, verify and decrypt run inside the restore step (one stream): not added again
        for s in sandbox restore checks teardown; do
            v=$(step_median lifeboat "$s")
            [[ "$v" == - ]] || steps_sum=$(awk -v a="$steps_sum" -v b="$v" 'BEGIN { print a + b }')
        done
        printf 'lifeboat other: %.2f s inside the drill but in no step (choosing the backup, between steps)\n' \
            "$(awk -v a="$span" -v b="$steps_sum" 'BEGIN { print a - b }')"
        printf '  %.2f s outside it (JVM start, configuration, listing the target, recording the result)\n' \
            "$(awk -v w="${wall[lifeboat]}" -v a="$span" 'BEGIN { print w - a }')"
    fi

    if awk -v o="$max_other" -v t="$warn_at" 'BEGIN { exit !(o > t) }'; then
        echo
        echo "WARNING: during at least one run the rest of the machine used $max_other cores on average: other" \
            "work shared it, so wall times are inflated and noisy (try --wait-idle)"
    fi
    [[ -z "$SETTINGS_NOTE" ]] || echo "WARNING: $SETTINGS_NOTE"
    [[ -z "$JAVA_OPTS_FOR_LIFEBOAT" ]] || echo "lifeboat JVM options: $JAVA_OPTS_FOR_LIFEBOAT"

    local missed=0 verdict="" r_shell="" r_j2=""
    if [[ -n "${wall[lifeboat]:-}" ]]; then
        echo
        if [[ -n "${wall[shell]:-}" ]]; then
            r_shell=$(ratio "${wall[lifeboat]}" "${wall[shell]}")
            if le "$r_shell" "$TARGET_WALL_RATIO"; then verdict=PASS; else verdict=FAIL; missed=1; fi
            printf 'lifeboat / shell wall      %6s   target <= %s   %s\n' "$r_shell" "$TARGET_WALL_RATIO" "$verdict"
        fi
        if [[ -n "${wall[shell-j2]:-}" ]]; then
            r_j2=$(ratio "${wall[lifeboat]}" "${wall[shell-j2]}")
            printf 'lifeboat / shell-j2 wall   %6s   (for context: the same strategy by hand, decrypt to a file then -j 2)\n' "$r_j2"
        fi
    elif [[ -n "${wall[shell]:-}" && -n "${wall[shell-j2]:-}" ]]; then
        echo
        printf 'shell-j2 / shell wall      %6s   (lifeboat not measured)\n' "$(ratio "${wall[shell-j2]}" "${wall[shell]}")"
    fi

    if [[ "$FORMAT" == json ]]; then
        write_json "$r_shell" "$r_j2" "$verdict" "$max_other" wall rss cpu other tree walls "${measured[@]}"
        echo "results written to $JSON_OUT"
    fi
    ((STRICT && missed)) && return 1
    return 0
}

# Hand-written JSON (no jq on a fresh machine). Arrays are passed by name.
write_json() {
    local r_shell=$1 r_j2=$2 verdict=$3 max_other=$4
    local -n jw=$5 jr=$6 ju=$7 jo=$8 jt=$9 jws=${10}
    shift 10
    local c s v sep="" ssep commit
    commit=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
    {
        printf '{\n  "benchmark": "drill",\n  "engine": "%s",\n  "scale": %s,\n  "database": "%s",\n  "database_bytes": %s,\n' \
            "$ENGINE" "$SCALE" "$DB" "$DB_BYTES"
        printf '  "backup_id": "%s",\n  "stored_bytes": %s,\n  "raw_bytes": %s,\n' "$BACKUP_ID" "$STORED_BYTES" "$RAW_BYTES"
        printf '  "generation_s": %s,\n' "${GEN_SECONDS:-null}"
        printf '  "cgroup_cpu_accounting": %s,\n' "$( ((CGROUP)) && echo true || echo false)"
        printf '  "max_other_cpu_cores": %s,\n' "$max_other"
        printf '  "runs": %s,\n  "cores": %s,\n  "commit": "%s",\n  "date": "%s",\n' \
            "$RUNS" "$(nproc)" "$commit" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
        printf '  "lifeboat_java_opts": "%s",\n' "$JAVA_OPTS_FOR_LIFEBOAT"
        printf '  "lifeboat_first_run_wall_s": %s,\n' "${LIFEBOAT_FIRST_WALL:-null}"
        printf '  "settings_note": "%s",\n' "${SETTINGS_NOTE//\"/\'}"
        printf '  "contenders": {'
        for c in "$@"; do
            printf '%s\n    "%s": { "wall_s": %s, "cpu_s": %s, "tree_cpu_s": %s, "other_cpu_s": %s, "peak_rss_kib": %s, "walls_s": [%s],\n' \
                "$sep" "$c" "${jw[$c]}" "${ju[$c]}" "${jt[$c]}" "${jo[$c]}" "${jr[$c]}" "${jws[$c]}"
            printf '      "steps_median_s": {'
            ssep=""
            for s in fetch verify decrypt sandbox restore checks teardown span; do
                v=$(step_median "$c" "$s")
                [[ "$v" != - ]] || continue
                printf '%s "%s": %s' "$ssep" "$s" "$v"
                ssep=","
            done
            printf ' } }'
            sep=","
        done
        printf '\n  },\n'
        printf '  "lifeboat_over_shell_wall": %s,\n  "lifeboat_over_shell_j2_wall": %s,\n' "${r_shell:-null}" "${r_j2:-null}"
        printf '  "verdict": %s,\n' "$([[ -n "$verdict" ]] && echo "\"$verdict\"" || echo null)"
        printf '  "targets": { "wall_ratio_max": %s }\n}\n' "$TARGET_WALL_RATIO"
    } >"$JSON_OUT"
}

# Stops and deletes what a shell contender killed midway left behind (its own trap normally does).
# shellcheck disable=SC2317  # reached from the EXIT trap, which shellcheck does not follow
reap_shell_clusters() {
    [[ -s "$D/clusters.txt" ]] || return 0
    local dir
    while read -r dir; do
        [[ -n "$dir" && -d "$dir" && "$(basename "$dir")" == lifeboat-bench-drill.* ]] || continue
        if [[ -s "$dir/mariadbd.pid" ]]; then
            kill -KILL "$(cat "$dir/mariadbd.pid")" 2>/dev/null || true
        elif [[ -f "$dir/data/postmaster.pid" ]]; then
            runuser -u postgres -- "$PG_BIN/pg_ctl" stop -D "$dir/data" -m immediate -w >/dev/null 2>&1 || true
        fi
        rm -rf "$dir"
        log "removed the sandbox $dir that an interrupted shell run left behind"
    done <"$D/clusters.txt"
    : >"$D/clusters.txt"
}

# shellcheck disable=SC2317  # reached from the EXIT trap, which shellcheck does not follow
cleanup() {
    local rc=$?
    if [[ -n "$D" ]]; then
        reap_shell_clusters
        # The backup (~0.3 GB per scale unit), plaintext dumps and lifeboat's state: all throwaway.
        rm -rf "$D/repo" "$D/dumps" "$D/state"
        rm -f "$D"/steps.*.*
    fi
    cgroup_teardown
    if ((DROP_DB)) && [[ -n "$DB" ]]; then drop_database; fi
    exit "$rc"
}

main() {
    parse_args "$@"
    setup_engine
    mkdir -p "$WORK/logs" "$D"
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    ensure_tools
    ensure_source_server
    ensure_server_binaries
    [[ -x "$REPO_ROOT/lifeboat" ]] || die 3 "lifeboat: $REPO_ROOT/lifeboat is missing"
    check_disk
    ensure_database
    ensure_age_key
    chmod 600 "$AGE_KEY"    # lifeboat refuses an identity that group or others can read
    mkdir -p "$D/dumps"
    chmod 700 "$D/dumps"
    : >"$D/clusters.txt"
    check_settings_match
    [[ -z "$JAVA_OPTS_FOR_LIFEBOAT" ]] || export LIFEBOAT_JAVA_OPTS="$JAVA_OPTS_FOR_LIFEBOAT"
    write_config
    setup_backup
    if cgroup_setup "lifeboat-bench-drill-$$"; then
        CGROUP=1
        log "CPU accounting: cgroup $MEASURE_CGROUP ($MEASURE_CGROUP_KIND), sandbox servers included"
    else
        log "no cgroup available: CPU s counts the process tree only, the sandbox server's CPU shows as other CPU"
    fi

    local active=() c
    for c in ${ALL_CONTENDERS//,/ }; do
        if wants "$c"; then active+=("$c"); fi
    done
    ((${#active[@]})) || die 2 "no contender to run"
    if wants lifeboat; then
        lifeboat_first_run "$REPO_ROOT/lifeboat" --config "$CONF" drill run bench --format json
    fi
    : >"$RESULTS"
    : >"$STEPS"
    local round i n=${#active[@]}
    for ((round = 1; round <= RUNS; round++)); do
        # Rotate the order each round so no contender always runs right after the same one.
        for ((i = 0; i < n; i++)); do
            run_contender "${active[(i + round - 1) % n]}" "$round" || exit 1
        done
    done
    report
}

# `; exit` on the same line: bash reads a script as it runs, so without it an edit to this file
# during a (long) run would make bash read garbage after main returns.
main "$@"; exit $?
