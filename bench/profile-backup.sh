#!/usr/bin/env bash
# bench/profile-backup.sh: where one `lifeboat backup run` of the MariaDB benchmark database
# spends its time and CPU. Not a benchmark with a target (bench/backup.sh is): the breakdown
# behind the README's "Where a scale-0.5 backup's time goes".
#
# Needs a run of `bench/backup.sh --engine mariadb --scale S` first: it reuses that run's work
# directory (bench/work/mariadb: the lifeboat configuration, the loopback S3 server's class path
# and credentials) and its database. For each of --runs backups, through ./lifeboat as cron would
# run it, into the same loopback S3 server (started here on a free port), it prints:
#   wall time; when mariadb-dump started, after the launcher (which execs the JVM) started; the
#   JVM's CPU per thread group (main, the JIT compilers, the upload threads), from /proc, where
#   the main thread's includes the launcher script's own; the S3 server's CPU.
# Then, over one saved dump with lifeboat's dump options, the CPU of one pass in a JVM of each
# part of the stream alone (read, InsertRowCounter, zstd at level 3; best of 3), and of the
# shell's zstd -3 and age. Run it on a quiet machine, under bench/favoured.sh like the others.
#
# Usage: bench/profile-backup.sh [--runs N]     (default 3)
# Exit codes: 0 done; 2 bad usage; 3 set-up missing (run bench/backup.sh first) or a backup failed.
set -euo pipefail
# shellcheck source=bench/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
ENGINE=mariadb
REPO_ROOT="$(cd "$BENCH_LIB/../.." && pwd)"
WORK="$REPO_ROOT/bench/work/mariadb"
RUNS=3
while (($#)); do
    case "$1" in
        --runs) RUNS=${2:?--runs needs a number}; shift 2 ;;
        -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option: $1 (try --help)" >&2; exit 2 ;;
    esac
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "--runs must be a positive number, not '$RUNS'" >&2; exit 2; }
for f in lifeboat.yaml s3-classpath.txt aws-credentials; do
    [[ -s "$WORK/$f" ]] || die 3 "no $WORK/$f: run bench/backup.sh --engine mariadb first"
done
DB=$(sed -n 's/.*database: \([^,]*\),.*/\1/p' "$WORK/lifeboat.yaml" | head -1)
[[ -n "$DB" ]] || die 3 "no source database in $WORK/lifeboat.yaml"

S3_PORT=$(first_free_port 19190)
cp="$REPO_ROOT/orchestrator/target/test-classes:$REPO_ROOT/orchestrator/target/classes:$(cat "$WORK/s3-classpath.txt")"
S3_PID=""
trap 'stop_s3; rm -f "$WORK/profile-dump.sql"' EXIT
mkdir -p "$WORK/logs"
start_s3
CONF="$WORK/profile.yaml"
sed "s|endpoint: http://127.0.0.1:[0-9]*|endpoint: http://127.0.0.1:$S3_PORT|" "$WORK/lifeboat.yaml" >"$CONF"
cpu_of() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

backup() { "$REPO_ROOT/lifeboat" --config "$CONF" backup run bench --format json >"$WORK/logs/profile-out.json" 2>"$WORK/logs/profile-err.txt"; }
log "database $DB; S3 server on 127.0.0.1:$S3_PORT; one backup first, not measured (after a build it records the JVM's AOT cache)"
backup || { cat "$WORK/logs/profile-err.txt" >&2; die 3 "the first backup failed"; }
dump_tool=$(command -v mariadb-dump)
for run in $(seq 1 "$RUNS"); do
    s3_before=$(cpu_of "$S3_PID")
    t0=$(date +%s%N)
    backup &
    pid=$!  # a subshell running the launcher, which execs the JVM: its only child
    sleep 0.005
    jvm=$(pgrep -P "$pid" | head -1)
    python3 "$BENCH_LIB/thread_cpu.py" "${jvm:-$pid}" "$dump_tool" >"$WORK/logs/profile-threads.txt" &
    sampler=$!
    rc=0; wait "$pid" || rc=$?
    wall=$(( ($(date +%s%N) - t0) / 1000000 ))
    wait "$sampler" || true
    ((rc == 0)) || { cat "$WORK/logs/profile-err.txt" >&2; die 3 "backup $run exited $rc"; }
    s3_cpu=$(awk -v a="$s3_before" -v b="$(cpu_of "$S3_PID")" -v t="$CLK_TCK" 'BEGIN { printf "%.2f", (b - a) / t }')
    printf 'backup %d: %.2f s wall (launcher included); the S3 server %s CPU s; the JVM:\n' \
        "$run" "$(awk -v w="$wall" 'BEGIN { print w / 1000 }')" "$s3_cpu"
    cat "$WORK/logs/profile-threads.txt"
done

log "saving one dump with lifeboat's options for the per-part costs"
source_dump_cmd
"${SOURCE_DUMP[@]}" >"$WORK/profile-dump.sql"
java_bin=$(command -v java)
for j in /usr/lib/jvm/*/bin/java; do
    v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = //p')
    [[ "${v%%.*}" -ge 25 ]] 2>/dev/null && java_bin=$j
done
printf 'one pass over %s MiB of SQL, CPU s (best of 3, %s; count and zstd include the read):\n' "$(( $(stat -c %s "$WORK/profile-dump.sql") / 1048576 ))" "$java_bin"
for part in read count zstd; do
    printf '  %-26s %6s CPU s\n' "$part (JVM)" "$("$java_bin" --enable-native-access=ALL-UNNAMED -cp "$cp" \
        "$BENCH_LIB/StreamCost.java" "$WORK/profile-dump.sql" "$part" 3)"
done
t=$( { /usr/bin/time -f '%U %S' zstd -3 -q -c <"$WORK/profile-dump.sql" >"$WORK/profile-dump.zst"; } 2>&1 )
printf '  %-26s %6.2f CPU s\n' "zstd -3 (the CLI)" "$(awk '{ print $1 + $2 }' <<<"$t")"
key=$(sed -n 's/.*recipients: \[ *"\([^"]*\)".*/\1/p' "$WORK/lifeboat.yaml")
t=$( { /usr/bin/time -f '%U %S' age -r "$key" <"$WORK/profile-dump.zst" >/dev/null; } 2>&1 )
printf '  %-26s %6.2f CPU s\n' "age (the CLI)" "$(awk '{ print $1 + $2 }' <<<"$t")"
rm -f "$WORK/profile-dump.zst"
