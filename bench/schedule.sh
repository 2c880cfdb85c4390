#!/usr/bin/env bash
# bench/schedule.sh: the scheduler and the report at scale.
#
#   - `lifeboat serve` start-up with N sources and N drills (each a job with a cron schedule):
#     wall time until its "running" line, then its heap (used, committed, and live after a full
#     GC, read with jstat from the serving JVM's own JDK) and RSS once it has settled
#   - `lifeboat report --format json` over a catalog of RUNS runs (half backups, half drills),
#     REPEAT times: median and spread of wall and CPU seconds, JVM start included
#
# Targets (issue 4): start-up < 5 s, report < 1 s, heap < 256 MiB. Everything lives in a fresh
# directory under target/ (H2 catalog, configuration, logs), removed at the end unless --keep.
#
#   bash bench/schedule.sh [--jobs N] [--runs N] [--repeat N] [--only report|serve] [--keep]
#
# On a machine that others share: bench/favoured.sh bash bench/schedule.sh --only report
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/common.sh
source "$root/bench/lib/common.sh"
JOBS=1000
RUNS=100000
REPEAT=5
ONLY=all
KEEP=0
WAIT_IDLE=0
usage() {
  cat <<USAGE
usage: bench/schedule.sh [--jobs N] [--runs N] [--repeat N] [--only report|serve] [--wait-idle S] [--keep]
  --jobs N       sources, and as many drills (default $JOBS)
  --runs N       runs seeded into the catalog, half backups, half drills (default $RUNS)
  --repeat N     report runs to take the median of (default $REPEAT)
  --only WHAT    measure only the report or only serve start-up (default: both)
  --wait-idle S  before each report run, wait up to S seconds for idle CPUs
  --keep         keep the work directory under target/ (printed at the end)
USAGE
}
while (($#)); do
  case $1 in
    --jobs) JOBS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --only) ONLY=$2; shift 2; [[ $ONLY == report || $ONLY == serve ]] || { usage >&2; exit 2; } ;;
    --wait-idle) WAIT_IDLE=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

mkdir -p "$root/target"
WORK=$(mktemp -d "$root/target/bench-schedule-XXXXXX")
cleanup() { [[ -n "${SERVE_PID:-}" ]] && kill "$SERVE_PID" 2>/dev/null || true; ((KEEP)) || rm -rf "$WORK"; }
trap cleanup EXIT

"$root/lifeboat" --version >/dev/null   # builds the jar if need be, outside the measurements
jar="$root/orchestrator/target/lifeboat.jar"

# A valid age recipient without age-keygen: any X25519 public key will do, nothing is encrypted.
recipient=age17k79km4ek2ryryj4gq2vdca724ejt63kykxvwhmqgaj0cwxqusdq2fp6qd
cfg="$WORK/lifeboat.yaml"
{
  echo "state_dir: $WORK/state"
  echo "sources:"
  for i in $(seq 1 "$JOBS"); do
    # Spread over the day, as a real fleet would be: minute i%60 of hour i%24.
    echo "  s$i: { engine: postgres, host: 127.0.0.1, port: 1, database: s$i, user: postgres, target: vault, schedule: \"0 $((i % 60)) $((i % 24)) * * ?\" }"
  done
  echo "targets:"
  echo "  vault: { url: \"file://$WORK/repo\" }"
  echo "encryption:"
  echo "  recipients: [ \"$recipient\" ]"
  echo "drills:"
  for i in $(seq 1 "$JOBS"); do
    echo "  d$i: { source: s$i, schedule: \"0 $((i % 60)) $((i % 24)) 1 1,4,7,10 ?\" }"
  done
} >"$cfg"
export LIFEBOAT_CONFIG=$cfg

log "creating the catalog and $RUNS runs"
"$root/lifeboat" report --format json >/dev/null || true   # creates and migrates the H2 catalog
per=$((RUNS / 2))
cat >"$WORK/seed.sql" <<SQL
INSERT INTO lifeboat_backup_run (source, backup_id, outcome, reason, started_at, finished_at, raw_bytes, stored_bytes, object_key, origin, node)
SELECT 's' || (1 + MOD(X, $JOBS)), NULL, CASEWHEN(MOD(X, 50) = 0, 'FAILED', 'SUCCEEDED'), 'bench', DATEADD('MINUTE', -X, CURRENT_TIMESTAMP),
       DATEADD('MINUTE', -X + 1, CURRENT_TIMESTAMP), 4000000, 1000000, NULL, 'SCHEDULE', 'bench' FROM SYSTEM_RANGE(1, $per);
INSERT INTO lifeboat_drill_run (drill, source, run_id, backup_id, outcome, reason, started_at, finished_at, backup_age_ms, restore_ms, origin, node)
SELECT 'd' || (1 + MOD(X, $JOBS)), 's' || (1 + MOD(X, $JOBS)), 'bench-' || X, NULL, CASEWHEN(MOD(X, 20) = 0, 'FAILED', 'PASSED'), 'bench',
       DATEADD('MINUTE', -X, CURRENT_TIMESTAMP), DATEADD('MINUTE', -X + 2, CURRENT_TIMESTAMP), 600000, 42000, 'SCHEDULE', 'bench'
FROM SYSTEM_RANGE(1, $per);
-- lifeboat appends each run to its item's recent runs too (the report reads those): V5.sql's
-- backfill, as a catalog upgraded from before V5 gets it, does that for these bulk-inserted runs.
RUNSCRIPT FROM 'classpath:/io/lifeboat/catalog/V5.sql';
-- A bulk insert leaves H2's file as no catalog written run by run looks: the next few processes
-- to close it compact it, a report then taking 3.4 CPU s instead of 1.9 (one to six reports after
-- seeding, at random). Compact once here so that every measured report sees a settled file.
SHUTDOWN COMPACT;
SQL
java -cp "$jar" org.h2.tools.RunScript -url "jdbc:h2:file:$WORK/state/lifeboat" -user lifeboat \
  -password "$(cat "$WORK/state/lifeboat.password")" -script "$WORK/seed.sql"

# Heap of a running JVM, from jstat of the JVM's own JDK (jcmd GC.heap_info's layout differs
# between JDK 17 and 25 and between collectors; jstat -gc names its columns). Prints
# "USED COMMITTED" in MiB; fails loudly when the columns are not there.
heap_of() {
  local pid=$1 jdk out
  jdk=$(dirname "$(readlink -f "/proc/$pid/exe")")
  out=$("$jdk/jstat" -gc "$pid") || die 1 "jstat -gc $pid failed (hsperfdata off, or another user's JVM?)"
  awk '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    NR == 2 {
      split("S0U S1U EU OU S0C S1C EC OC", need, " ")
      for (k in need) if (!(need[k] in col) || $col[need[k]] !~ /^[0-9.]+$/) { print "missing or not a number: " need[k] > "/dev/stderr"; exit 1 }
      printf "%.1f %.1f\n", ($col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"]) / 1024, ($col["S0C"] + $col["S1C"] + $col["EC"] + $col["OC"]) / 1024
      ok = 1
    }
    END { if (!ok) exit 1 }' <<<"$out" || die 1 "cannot parse jstat -gc output: $out"
}

results=()
if [[ $ONLY != serve ]]; then
  log "report over $RUNS runs, $JOBS sources and $JOBS drills ($REPEAT runs)"
  walls=() cpus=() rsss=() others=()
  # Run 0 is not in the medians: the first report after a build writes the launcher's class-data
  # archive, and the first on a fresh catalog finds nothing in the page cache.
  for run in $(seq 0 "$REPEAT"); do
    # The report exits 1 when something is OVERDUE or FAILED (the seeded catalog has both).
    measure "$WORK/time" "$WORK/report.err" bash -c '"$0" report --format json >"$1"; (($? <= 1))' \
      "$root/lifeboat" "$WORK/report.json" || { cat "$WORK/report.err" >&2; die 1 "report failed"; }
    # Only the drills' entries have a "drill" key (their history entries do not).
    # (into a file the JSON is on one line: count the keys, not the lines)
    [[ $(grep -o '"drill" *: *"' "$WORK/report.json" | wc -l) == "$JOBS" ]] || die 1 "the report does not list $JOBS drills"
    log "  report $run: ${M_WALL}s wall, ${M_CPU} CPU s (JVM start included), $((M_RSS / 1024)) MiB peak RSS, ${M_OTHER} CPU s of other work"
    if ((run == 0)); then
      first="${M_WALL} s | ${M_CPU}"
      continue
    fi
    walls+=("$M_WALL") cpus+=("$M_CPU") rsss+=("$M_RSS") others+=("$M_OTHER")
  done
  measure "$WORK/time" "$WORK/version.err" "$root/lifeboat" --version >/dev/null || die 1 "lifeboat --version failed"
  jvm_wall=$M_WALL jvm_cpu=$M_CPU
  range() { printf '%s\n' "$@" | sort -g | sed -n '1p;$p' | paste -sd- ; }
  results+=("| report --format json over $RUNS runs (median of $REPEAT; range), JVM start included | $(printf '%s\n' "${walls[@]}" | median) s ($(range "${walls[@]}")) | $(printf '%s\n' "${cpus[@]}" | median) ($(range "${cpus[@]}")) | < 1 s |")
  results+=("| the first report on the fresh catalog (run 0, not in the median) | $first | |")
  results+=("| report peak RSS (median) | $(( $(printf '%s\n' "${rsss[@]}" | median) / 1024 )) MiB | | |")
  results+=("| other work on the machine during the report runs (CPU s per run) | $(range "${others[@]}") | | |")
  results+=("| JVM start alone (lifeboat --version) | ${jvm_wall} s | ${jvm_cpu} | |")
fi

if [[ $ONLY != report ]]; then
  clk=$(getconf CLK_TCK)
  cpu_of() { awk -v t="$clk" '{printf "%.1f", ($14 + $15) / t}' "/proc/$1/stat"; }
  # Starts serve, its stderr to $1, and waits for its "running" line; sets SERVE_PID (the launcher
  # execs java, so it is the JVM), STARTUP_MS and STARTUP_CPU.
  start_serve() {
    local log=$1 start
    : >"$log"
    start=$(date +%s%N)
    "$root/lifeboat" serve 2>>"$log" &
    SERVE_PID=$!
    until grep -q ' running$' "$log"; do
      kill -0 "$SERVE_PID" 2>/dev/null || { cat "$log" >&2; exit 3; }
      sleep 0.05
    done
    STARTUP_MS=$(( ($(date +%s%N) - start) / 1000000 ))
    STARTUP_CPU=$(cpu_of "$SERVE_PID")
  }
  log "serve start-up with $((2 * JOBS)) jobs"
  start_serve "$WORK/serve.log"
  startup_ms=$STARTUP_MS startup_cpu=$STARTUP_CPU
  sleep 5
  rss_kib=$(awk '/VmRSS/ {print $2}' "/proc/$SERVE_PID/status")
  read -r heap_used heap_committed < <(heap_of "$SERVE_PID")
  # What stays after a full collection: the live set, the figure a smaller -Xmx would have to hold.
  "$(dirname "$(readlink -f "/proc/$SERVE_PID/exe")")/jcmd" "$SERVE_PID" GC.run >/dev/null || die 1 "jcmd GC.run failed"
  read -r heap_live _ < <(heap_of "$SERVE_PID")
  kill -TERM "$SERVE_PID"; wait "$SERVE_PID" || true; SERVE_PID=
  start_serve "$WORK/serve2.log"
  second_ms=$STARTUP_MS second_cpu=$STARTUP_CPU
  kill -TERM "$SERVE_PID"; wait "$SERVE_PID" || true; SERVE_PID=
  results+=("| serve start-up, $((2 * JOBS)) jobs, empty job store (JVM start included) | ${startup_ms} ms | ${startup_cpu} | < 5 s |")
  results+=("| serve start-up, $((2 * JOBS)) jobs, reconcile of an existing job store | ${second_ms} ms | ${second_cpu} | < 5 s |")
  results+=("| serve heap 5 s after start-up: used / committed / live after a full GC | ${heap_used} / ${heap_committed} / ${heap_live} MiB | | < 256 MiB |")
  results+=("| serve RSS 5 s after start-up | $((rss_kib / 1024)) MiB | | |")
fi

echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (wall times are only meaningful on an idle machine)"
echo
echo "| measure | wall | CPU s | target |"
echo "|---|---|---|---|"
printf '%s\n' "${results[@]}"
((KEEP)) && echo "work directory kept: $WORK"
exit 0
