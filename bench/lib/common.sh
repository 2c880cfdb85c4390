# shellcheck shell=bash
# shellcheck disable=SC2034  # globals set here are read by the sourcing script
# bench/lib/common.sh: what the benchmarks share. Sourced by bench/backup.sh and bench/drill.sh,
# never run on its own.
#
#   - the options both scripts take (parse_args; each script adds its own with extra_option)
#   - the engine (--engine postgres|mariadb): the source server (PostgreSQL on $PGHOST:$PGPORT,
#     MariaDB on $MYHOST:$MYPORT), its dump command (source_dump_cmd)
#   - the benchmark database: generated once by lib/generate.sql (PostgreSQL) or
#     lib/generate-mariadb.sql (MariaDB) and reused while its marker table matches the generator
#     version and scale (ensure_database)
#   - tools, the age key pair in $WORK
#   - measurement: measure() runs a command under GNU time, after sync and the optional
#     --wait-idle wait, and accounts the CPU the rest of the machine used meanwhile; with
#     cgroup_setup() it also counts processes that leave the command's tree (daemonized servers)
#   - medians, ratios, comparisons
#
# The sourcing script defines usage (its --help), contenders_for ENGINE (its contenders, in
# order, comma-separated), RESULTS_NAME (the stem of --format json's default file) and
# optionally extra_option FLAG (returns 0 when it took FLAG: flags without a value only), then
# calls parse_args "$@", which sets the option globals below and DB, WORK, JSON_OUT. The
# functions fill PG_BIN, AGE_KEY, AGE_RECIPIENT, DB_BYTES, GEN_SECONDS.

BENCH_LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly BENCH_LIB
# Bump when generate.sql changes what it produces: databases with an older marker are rebuilt.
readonly GEN_VERSION="shop-v1"
readonly GEN_VERSION_MARIADB="shop-my-v1"
readonly GEN_SEED="0.42"
# An idle machine for --wait-idle: less than this many cores busy over a 3 s sample.
readonly IDLE_CORES="0.3"
CLK_TCK=$(getconf CLK_TCK)
readonly CLK_TCK
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
# The machine's MariaDB: root with an empty password over TCP (the svc machine's set-up).
MYHOST="${MYHOST:-127.0.0.1}" MYPORT="${MYPORT:-3306}" MYUSER="${MYUSER:-root}"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { local code=$1; shift; log "ERROR: $*"; exit "$code"; }

# --- options ------------------------------------------------------------------------------------

ENGINE=postgres
SCALE=1
RUNS=3
FORMAT=text
JSON_OUT=""
REGENERATE=0
STRICT=0
WAIT_IDLE=0
DROP_DB=0
CONTENDERS=""
JAVA_OPTS_FOR_LIFEBOAT=""
WORK="${BENCH_DIR:-$(dirname "$BENCH_LIB")/work}"
DB=""

# The options both benchmarks take; a script's own flags go through its extra_option.
parse_args() {
    while (($#)); do
        case "$1" in
            --engine|--scale|--runs|--contenders|--format|--json-out|--java-opts|--wait-idle)
                (($# >= 2)) || die 2 "$1 needs a value" ;;
        esac
        case "$1" in
            --engine) ENGINE="${2:-}"; shift 2 ;;
            --scale) SCALE="${2:-}"; shift 2 ;;
            --runs) RUNS="${2:-}"; shift 2 ;;
            --contenders) CONTENDERS="${2:-}"; shift 2 ;;
            --format) FORMAT="${2:-}"; shift 2 ;;
            --json-out) JSON_OUT="${2:-}"; shift 2 ;;
            --regenerate) REGENERATE=1; shift ;;
            --drop-db) DROP_DB=1; shift ;;
            --java-opts) JAVA_OPTS_FOR_LIFEBOAT="${2:-}"; shift 2 ;;
            --strict) STRICT=1; shift ;;
            --wait-idle) WAIT_IDLE="${2:-}"; shift 2 ;;
            -h|--help) usage; exit 0 ;;
            *)
                if declare -F extra_option >/dev/null && extra_option "$1"; then
                    shift
                else
                    usage >&2; die 2 "unknown option: $1"
                fi ;;
        esac
    done
    [[ "$ENGINE" == postgres || "$ENGINE" == mariadb ]] || die 2 "--engine must be postgres or mariadb, got '$ENGINE'"
    # Fractional scales (0.05) are for quick end-to-end checks of the scripts.
    [[ "$SCALE" =~ ^([1-9][0-9]*|[0-9]*\.[0-9]+)$ ]] && awk -v s="$SCALE" 'BEGIN { exit !(s > 0) }' \
        || die 2 "--scale must be a positive number, got '$SCALE'"
    [[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die 2 "--runs must be a positive integer, got '$RUNS'"
    [[ "$WAIT_IDLE" =~ ^[0-9]+$ ]] || die 2 "--wait-idle takes seconds, got '$WAIT_IDLE'"
    [[ "$FORMAT" == text || "$FORMAT" == json ]] || die 2 "--format must be text or json"
    local all c
    all=$(contenders_for "$ENGINE")
    [[ -n "$CONTENDERS" ]] || CONTENDERS=$all
    for c in ${CONTENDERS//,/ }; do
        [[ ",$all," == *",$c,"* ]] || die 2 "unknown contender '$c' for engine $ENGINE (known: $all)"
    done
    if [[ "$SCALE" == 1 ]]; then DB=lifeboat_bench; else DB="lifeboat_bench_x${SCALE//./_}"; fi
    # MariaDB's work files (configuration, state, logs, results) apart from PostgreSQL's.
    [[ "$ENGINE" == postgres ]] || WORK="$WORK/$ENGINE"
    local stem=$RESULTS_NAME
    [[ "$ENGINE" == postgres ]] || stem="$stem-$ENGINE"
    [[ -n "$JSON_OUT" ]] || JSON_OUT="$WORK/$stem-scale$SCALE.json"
}

wants() { [[ ",$CONTENDERS," == *",$1,"* ]]; }

# MiB per scale unit times the scale, rounded up (the scale may be fractional).
scaled() { awk -v s="$SCALE" -v m="$1" 'BEGIN { v = s * m; printf "%d", (v == int(v)) ? v : int(v) + 1 }'; }

# A fresh machine of this kind has PostgreSQL but may lack the pipeline tools.
ensure_tools() {
    local missing=()
    if ! command -v age >/dev/null || ! command -v age-keygen >/dev/null; then missing+=(age); fi
    command -v zstd >/dev/null || missing+=(zstd)
    [[ -x /usr/bin/time ]] || missing+=(time)
    # Debian's AWS CLI for the shell-s3 contender, by its path: another `aws` may come first on PATH
    if wants shell-s3; then [[ -x /usr/bin/aws ]] || missing+=(awscli); fi
    if [[ "$ENGINE" == mariadb ]]; then
        command -v mariadb-dump >/dev/null || missing+=(mariadb-client)
    else
        command -v psql >/dev/null || missing+=(postgresql-client)
    fi
    ((${#missing[@]})) || return 0
    ((EUID == 0)) || die 3 "missing packages ${missing[*]}; install them or run as root"
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || die 3 "apt-get update failed"
    apt-get install -y -qq "${missing[@]}" >/dev/null || die 3 "apt-get install ${missing[*]} failed"
}

psql_q() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }

ensure_postgres() {
    if ! pg_isready -q -h "$PGHOST" -p "$PGPORT"; then
        # pg_lsclusters columns: version cluster port status ...; start the one on our port.
        local ver name
        read -r ver name < <(pg_lsclusters -h 2>/dev/null | awk -v p="$PGPORT" '$3 == p { print $1, $2; exit }') || true
        log "PostgreSQL on port $PGPORT is down; starting cluster ${ver:-15} ${name:-main}"
        pg_ctlcluster --skip-systemctl-redirect "${ver:-15}" "${name:-main}" start \
            || die 3 "could not start PostgreSQL cluster ${ver:-15} ${name:-main}"
        local i
        for i in $(seq 1 30); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && break; sleep 1; done
        pg_isready -q -h "$PGHOST" -p "$PGPORT" || die 3 "PostgreSQL did not become ready"
    fi
    # pg_dump must be at least the server's major: take the binaries of the server's major,
    # not whatever pg_dump is first on PATH (several majors can be installed side by side).
    local num major
    num=$(psql_q -d postgres -c 'SHOW server_version_num') || die 3 "cannot query PostgreSQL"
    major=$((num / 10000))
    PG_BIN="/usr/lib/postgresql/$major/bin"
    [[ -x "$PG_BIN/pg_dump" ]] || die 3 "no $PG_BIN/pg_dump for server major $major (apt-get install postgresql-client-$major)"
}

# Free space in MiB on the file system holding $1.
free_mib() { df -Pm "$1" | awk 'NR == 2 { print $4 }'; }

# require_free DIR MIB: dies (set-up failure) unless the file system holding DIR has MIB free.
require_free() {
    (($(free_mib "$1") >= $2)) || die 3 "need ~$2 MiB free in $1, have $(free_mib "$1") MiB"
}

# Room for generating the database (MiB per scale unit; only when it is not there yet).
require_free_for_database() {
    [[ "$(db_state)" != current ]] || return 0
    require_free "$(source_datadir)" "$(scaled "$1")"
}

# --- MariaDB ------------------------------------------------------------------------------------

my_q() { mariadb --protocol=TCP --host="$MYHOST" --port="$MYPORT" --user="$MYUSER" --batch --skip-column-names "$@"; }

ensure_mariadb() {
    if ! my_q -e 'SELECT 1' >/dev/null 2>&1; then
        log "MariaDB on $MYHOST:$MYPORT is down; starting /usr/sbin/mariadbd (as DEVELOPERS.md says)"
        start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd \
            || die 3 "could not start MariaDB"
        local i
        for i in $(seq 1 30); do my_q -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 1; done
        my_q -e 'SELECT 1' >/dev/null 2>&1 || die 3 "MariaDB on $MYHOST:$MYPORT did not become ready"
    fi
    command -v mariadb-dump >/dev/null || die 3 "no mariadb-dump (apt-get install mariadb-client)"
}

# --- the engine ---------------------------------------------------------------------------------

ensure_source_server() { if [[ "$ENGINE" == mariadb ]]; then ensure_mariadb; else ensure_postgres; fi; }

# The directory the source server keeps its data in (for the free-space check).
source_datadir() {
    if [[ "$ENGINE" == mariadb ]]; then my_q -e 'SELECT @@datadir'; else psql_q -d postgres -c 'SHOW data_directory'; fi
}

# The dump the shell pipeline streams, with the options lifeboat's own dump uses
# (orchestrator: PostgresEngine's pg_dump -Fc -Z0; MariaDbEngine.DUMP_OPTIONS).
source_dump_cmd() {
    if [[ "$ENGINE" == mariadb ]]; then
        SOURCE_DUMP=(mariadb-dump --protocol=TCP --host="$MYHOST" --port="$MYPORT" --user="$MYUSER"
            --single-transaction --routines --triggers --events --hex-blob --default-character-set=utf8mb4 -- "$DB")
    else
        SOURCE_DUMP=("$PG_BIN/pg_dump" -Fc -Z0 "$DB")
    fi
}

# The source's name in a lifeboat configuration's sources: (both engines, no password).
source_yaml() {
    local name=$1 target=$2
    if [[ "$ENGINE" == mariadb ]]; then
        echo "  $name: { engine: mariadb, host: $MYHOST, port: $MYPORT, database: $DB, user: $MYUSER, target: $target }"
    else
        echo "  $name: { engine: postgres, host: $PGHOST, port: $PGPORT, database: $DB, user: $PGUSER, target: $target }"
    fi
}

drop_database() {
    if [[ "$ENGINE" == mariadb ]]; then
        my_q -e "DROP DATABASE IF EXISTS \`$DB\`" 2>/dev/null || true
    else
        dropdb --if-exists "$DB" 2>/dev/null || true
    fi
}

# current | stale | absent, from the marker table that the generator writes last.
db_state() {
    local exists marker
    if [[ "$ENGINE" == mariadb ]]; then
        exists=$(my_q -e "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '$DB'")
        [[ "$exists" == 1 ]] || { echo absent; return; }
        marker=$(my_q -D "$DB" -e "SELECT generator_version = '$GEN_VERSION_MARIADB' AND scale = $SCALE FROM bench_meta" \
            2>/dev/null || true)
        if [[ "$marker" == 1 ]]; then echo current; else echo stale; fi
        return
    fi
    exists=$(psql_q -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")
    [[ "$exists" == 1 ]] || { echo absent; return; }
    marker=$(psql_q -d "$DB" -c "SELECT generator_version || ' ' || scale FROM bench_meta" 2>/dev/null || true)
    if [[ "$marker" == "$GEN_VERSION $SCALE" ]]; then echo current; else echo stale; fi
}

generate_database() {
    if [[ "$ENGINE" == mariadb ]]; then
        my_q -e "DROP DATABASE IF EXISTS \`$DB\`; CREATE DATABASE \`$DB\` CHARACTER SET utf8mb4"
        { printf "SET @scale = %s, @seed = '%s', @gen_version = '%s';\n" "$SCALE" "$GEN_SEED" "$GEN_VERSION_MARIADB"
          cat "$BENCH_LIB/generate-mariadb.sql"; } | my_q -D "$DB"
    else
        PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists "$DB"   # no NOTICE when absent
        createdb "$DB"
        psql -X -q -v ON_ERROR_STOP=1 -v scale="$SCALE" -v seed="$GEN_SEED" \
            -v gen_version="$GEN_VERSION" -f "$BENCH_LIB/generate.sql" -d "$DB"
    fi
}

database_bytes() {
    if [[ "$ENGINE" == mariadb ]]; then
        my_q -e "SELECT SUM(DATA_LENGTH + INDEX_LENGTH) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$DB'"
    else
        psql_q -d "$DB" -c "SELECT pg_database_size(current_database())"
    fi
}

ensure_database() {
    local state
    state=$(db_state)
    if [[ "$state" == current && $REGENERATE == 0 ]]; then
        log "reusing $ENGINE database $DB (scale $SCALE)"
    else
        log "generating $ENGINE database $DB at scale $SCALE ($state; takes minutes per scale unit)"
        local t0 t1
        t0=$(date +%s.%N)
        generate_database >"$WORK/logs/generate.log" 2>&1 \
            || { tail -20 "$WORK/logs/generate.log" >&2; die 3 "generation failed (log: $WORK/logs/generate.log)"; }
        t1=$(date +%s.%N)
        GEN_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
        log "generated $DB in ${GEN_SECONDS} s"
    fi
    DB_BYTES=$(database_bytes)
    log "database $DB: $(mib "$DB_BYTES") MiB on disk ($DB_BYTES bytes)"
}

mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

# The writer side holds only the public key; the identity stays here to verify outputs.
ensure_age_key() {
    AGE_KEY="$WORK/age-identity.txt"
    if [[ ! -s "$AGE_KEY" ]]; then
        (umask 077 && age-keygen -o "$AGE_KEY" 2>/dev/null)
    fi
    AGE_RECIPIENT=$(age-keygen -y "$AGE_KEY")
}

# Busy CPU ticks of the whole machine since boot (user nice system irq softirq steal).
busy_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }

# The source's database server on this machine: the process listening on its port (PostgreSQL's
# postmaster, or mariadbd); empty when there is none here (a remote server) or ss cannot tell.
db_server_pid() {
    local port=$PGPORT
    [[ "$ENGINE" != mariadb ]] || port=$MYPORT
    ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2
}

# CPU ticks of process $1 and of the children it has reaped: PostgreSQL's backends are the
# postmaster's children, MariaDB's connections threads of mariadbd. Empty without a process.
db_server_ticks() {
    [[ -n "$1" && -r "/proc/$1/stat" ]] || return 0
    # (fields counted after the command name, which is in parentheses and may hold spaces)
    sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 + $14 + $15 }'
}

# With --wait-idle, hold the next run until other work (builds, tests) leaves the CPUs alone,
# sampling 3 s at a time; measure anyway when the wait runs out, and say so.
wait_idle() {
    ((WAIT_IDLE > 0)) || return 0
    local deadline=$((SECONDS + WAIT_IDLE)) b0 b1 cores
    while :; do
        b0=$(busy_ticks); sleep 3; b1=$(busy_ticks)
        cores=$(awk -v a="$b0" -v b="$b1" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", (b - a) / hz / 3 }')
        awk -v c="$cores" -v t="$IDLE_CORES" 'BEGIN { exit !(c < t) }' && return 0
        if ((SECONDS >= deadline)); then
            log "machine still busy ($cores cores) after ${WAIT_IDLE} s; measuring anyway"
            return 0
        fi
    done
}

# --- measurement ----------------------------------------------------------------------------------

# Set by cgroup_setup; empty: measure() sees only the command's own process tree.
MEASURE_CGROUP=""
MEASURE_CGROUP_KIND=""

# A private cgroup that measure() puts each command into, so that CPU time of processes that
# leave its tree is counted too: a server started with pg_ctl daemonizes, and GNU time (which
# only sees children it waits for) never sees its CPU. cgroup v1 cpuacct where it is mounted,
# else cgroup v2. Needs root; returns 1 (and measure() falls back to the tree) when unavailable.
cgroup_setup() {
    local name=$1 root kind="" dir
    ((EUID == 0)) || return 1
    root=$(awk '$3 == "cgroup" && $4 ~ /(^|,)cpuacct(,|$)/ { print $2; exit }' /proc/mounts)
    if [[ -n "$root" ]]; then
        kind=v1
    else
        root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
        [[ -n "$root" && -f "$root/cgroup.controllers" ]] || return 1
        kind=v2
    fi
    dir="$root/$name"
    mkdir -p "$dir" 2>/dev/null || return 1
    MEASURE_CGROUP=$dir MEASURE_CGROUP_KIND=$kind
    # Prove it: a short busy loop moved in must show up in the group's CPU time.
    local before after
    before=$(cgroup_cpu_ns)
    if ! bash -c 'echo $$ >"$0/cgroup.procs" && exec awk "BEGIN { for (i = 0; i < 3000000; i++) s += i }"' "$dir" \
        2>/dev/null || [[ "$(cgroup_cpu_ns)" == "$before" ]]; then
        cgroup_teardown
        return 1
    fi
    after=$(cgroup_cpu_ns)
    ((after > before)) || { cgroup_teardown; return 1; }
}

# CPU nanoseconds used so far by everything that ever ran in the cgroup.
cgroup_cpu_ns() {
    if [[ "$MEASURE_CGROUP_KIND" == v1 ]]; then
        cat "$MEASURE_CGROUP/cpuacct.usage"
    else
        awk '$1 == "usage_usec" { printf "%d\n", $2 * 1000 }' "$MEASURE_CGROUP/cpu.stat"
    fi
}

# Pids still in the cgroup (processes a command left running), space-separated.
cgroup_pids() { [[ -z "$MEASURE_CGROUP" ]] || tr '\n' ' ' <"$MEASURE_CGROUP/cgroup.procs" | sed 's/ $//'; }

# shellcheck disable=SC2317  # reached from EXIT traps, which shellcheck does not follow
cgroup_teardown() {
    [[ -n "$MEASURE_CGROUP" ]] || return 0
    rmdir "$MEASURE_CGROUP" 2>/dev/null || log "could not remove cgroup $MEASURE_CGROUP (pids left: $(cgroup_pids))"
    MEASURE_CGROUP="" MEASURE_CGROUP_KIND=""
}

# measure TIME_FILE ERR_FILE COMMAND...: runs COMMAND once under /usr/bin/time, stderr to
# ERR_FILE; returns COMMAND's failure. Before it: sync (no dirty pages left by the previous run)
# and wait_idle. On success sets
#   M_WALL   wall-clock seconds
#   M_RSS    GNU time's %M, KiB: the peak RSS of the largest single process in the tree
#   M_CPU    CPU seconds (user + system) of the command: its whole process tree, and with
#            cgroup_setup also every process that left the tree (daemonized servers)
#   M_TREE_CPU  the tree's part of M_CPU (GNU time's %U + %S)
#   M_OTHER  CPU seconds the rest of the machine used meanwhile (from /proc/stat)
#   M_LEFT   with cgroup_setup: pids the command left running (after a 5 s grace), else empty
measure() {
    local tfile=$1 errf=$2
    shift 2
    local -a cmd=("$@")
    if [[ -n "$MEASURE_CGROUP" ]]; then
        # The wrapper moves itself into the group, then becomes the command: every descendant
        # stays in the group, whoever it is re-parented to.
        # shellcheck disable=SC2016  # expanded by the inner bash
        cmd=(bash -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$MEASURE_CGROUP" "${cmd[@]}")
    fi
    sync    # start every run with no dirty pages left by the previous one
    wait_idle
    local busy0 busy1 cg0=0 cg1=0
    busy0=$(busy_ticks)
    [[ -z "$MEASURE_CGROUP" ]] || cg0=$(cgroup_cpu_ns)
    # %U + %S sum the CPU time of the whole process tree: steadier than wall time when other
    # work shares the machine, and a fair cost measure for a pipeline of several processes.
    /usr/bin/time -f '%e %M %U %S' -o "$tfile" "${cmd[@]}" 2>"$errf" || return 1
    busy1=$(busy_ticks)
    local usr sys
    read -r M_WALL M_RSS usr sys < <(tail -1 "$tfile")
    M_TREE_CPU=$(awk -v u="$usr" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    M_CPU=$M_TREE_CPU
    M_LEFT=""
    if [[ -n "$MEASURE_CGROUP" ]]; then
        cg1=$(cgroup_cpu_ns)
        M_CPU=$(awk -v a="$cg0" -v b="$cg1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
        local _
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            M_LEFT=$(cgroup_pids)
            [[ -n "$M_LEFT" ]] || break
            sleep 0.5
        done
    fi
    # CPU the machine spent outside the measured processes during the run: for backup.sh the
    # PostgreSQL backend serving the dump and the S3 server, and for both anything else running.
    M_OTHER=$(awk -v a="$busy0" -v b="$busy1" -v hz="$CLK_TCK" -v c="$M_CPU" \
        'BEGIN { o = (b - a) / hz - c; printf "%.2f", (o < 0 ? 0 : o) }')
}

# --- statistics -----------------------------------------------------------------------------------

# %.15g keeps byte counts integral (awk's default print would turn them into 2.8e+08).
median() {
    sort -g | awk '{ v[NR] = $1 }
        END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.15g\n", m }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The first port from $1 up that nothing listens on.
first_free_port() {
    local port=$1
    while ! port_free "$port"; do port=$((port + 1)); done
    echo "$port"
}

# A command's first run after lifeboat's jar was built records the JVM's AOT cache for that
# command (see the launcher): seconds more, once per jar, never again until the next build. The
# benchmarks run it once, untimed, before the rounds, so that every timed run is one a user gets on
# every later day, and report its wall time beside the medians (LIFEBOAT_FIRST_WALL). Arguments:
# the command line; its output goes to $WORK/logs/lifeboat.first.{out,err}.
LIFEBOAT_FIRST_WALL=""
lifeboat_first_run() {
    wait_idle
    log "lifeboat's first run on this build (untimed; records the JVM's AOT cache if the jar is new): ${*: -4}"
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >"$WORK/logs/lifeboat.first.out" 2>"$WORK/logs/lifeboat.first.err" \
        || { tail -20 "$WORK/logs/lifeboat.first.err" >&2; die 3 "lifeboat's first run failed (log: $WORK/logs/lifeboat.first.err)"; }
    t1=$(date +%s.%N)
    LIFEBOAT_FIRST_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    log "lifeboat's first run: ${LIFEBOAT_FIRST_WALL} s"
}

# The only place that knows how the loopback S3 server is started (backup.sh, profile-backup.sh):
# S3Proxy on a file-system store, wrapped by io.lifeboat.testing.S3ProxyServer in the
# orchestrator's test sources, on $S3_PORT; it reads WORK, REPO_ROOT, $WORK/s3-classpath.txt and
# $WORK/aws-credentials as backup.sh writes them (the same credentials file and profile lifeboat
# reads, so no secret travels in argv), and sets S3_PID.
start_s3() {
    S3_DATA="$WORK/s3-data"
    rm -rf "$S3_DATA"
    mkdir -p "$S3_DATA"
    [[ -s "$WORK/s3-classpath.txt" ]] || die 3 "no $WORK/s3-classpath.txt: run without --no-build once"
    local cp
    cp="$REPO_ROOT/orchestrator/target/test-classes:$REPO_ROOT/orchestrator/target/classes:$(cat "$WORK/s3-classpath.txt")"
    log "starting loopback S3 server on 127.0.0.1:$S3_PORT"
    # Arguments: data dir, port, credentials file (keys read from its [s3proxy] profile), buckets.
    java -cp "$cp" io.lifeboat.testing.S3ProxyServer "$S3_DATA" "$S3_PORT" "$WORK/aws-credentials" bench \
        >"$WORK/logs/s3.log" 2>&1 &
    S3_PID=$!
    local i
    for i in $(seq 1 120); do
        kill -0 "$S3_PID" 2>/dev/null || { tail -20 "$WORK/logs/s3.log" >&2; die 3 "S3 server exited (log: $WORK/logs/s3.log)"; }
        port_free "$S3_PORT" || return 0
        sleep 0.5
    done
    die 3 "S3 server did not listen on $S3_PORT within 60 s (log: $WORK/logs/s3.log)"
}

# shellcheck disable=SC2317  # reached from the EXIT trap, which shellcheck does not follow
stop_s3() {
    if [[ -n "$S3_PID" ]] && kill -0 "$S3_PID" 2>/dev/null; then
        kill "$S3_PID" 2>/dev/null || true
        wait "$S3_PID" 2>/dev/null || true
    fi
    S3_PID=""
}
