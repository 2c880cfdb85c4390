#!/usr/bin/env bash
# bench/schedule.sh: the scheduler and the report at scale.
#
#   - `lifeboat serve` start-up with N sources and N drills (each a job with a cron schedule):
#     wall time until its "running" line, then its heap and RSS once it has settled
#   - `lifeboat report --format json` over a catalog of RUNS runs (half backups, half drills)
#
# Targets (issue 4): start-up < 5 s, report < 1 s, heap < 256 MiB. Everything lives in a fresh
# directory under target/ (H2 catalog, configuration, logs), removed at the end unless --keep.
#
#   bash bench/schedule.sh [--jobs N] [--runs N] [--keep]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JOBS=1000
RUNS=100000
KEEP=0
while (($#)); do
  case $1 in
    --jobs) JOBS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "usage: bench/schedule.sh [--jobs N] [--runs N] [--keep]" >&2; exit 2 ;;
  esac
done
log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

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
SQL
java -cp "$jar" org.h2.tools.RunScript -url "jdbc:h2:file:$WORK/state/lifeboat" -user lifeboat \
  -password "$(cat "$WORK/state/lifeboat.password")" -script "$WORK/seed.sql"

log "report over $RUNS runs, $JOBS sources and $JOBS drills (3 runs)"
report_times=()
report_cpu=()
for _ in 1 2 3; do
  # GNU time puts "Command exited with non-zero status 1" first: the report exits 1 on OVERDUE.
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" "$root/lifeboat" report --format json >"$WORK/report.json" || true
  read -r wall user sys rss < <(tail -1 "$WORK/time")
  report_times+=("$wall")
  report_cpu+=("$(echo "$user + $sys" | bc)")
  log "  report: ${wall}s wall, $user s user + $sys s sys (JVM start included), ${rss} KiB peak RSS"
done
# The report's own time, without JVM start-up: the same command timed inside one JVM by its clock.
/usr/bin/time -f '%e %U %S' -o "$WORK/time" "$root/lifeboat" --version >/dev/null
read -r jvm_wall jvm_user jvm_sys < <(tail -1 "$WORK/time")
jvm_cpu=$(echo "$jvm_user + $jvm_sys" | bc)
clk=$(getconf CLK_TCK)
cpu_of() { awk -v t="$clk" '{printf "%.1f", ($14 + $15) / t}' "/proc/$1/stat"; }

log "serve start-up with $((2 * JOBS)) jobs"
start=$(date +%s%N)
"$root/lifeboat" serve 2>"$WORK/serve.log" &
SERVE_PID=$!
until grep -q ' running$' "$WORK/serve.log"; do
  kill -0 "$SERVE_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 3; }
  sleep 0.05
done
startup_ms=$(( ($(date +%s%N) - start) / 1000000 ))
# The launcher execs java, so $SERVE_PID is the JVM.
startup_cpu=$(cpu_of "$SERVE_PID")
sleep 5
rss_kib=$(awk '/VmRSS/ {print $2}' "/proc/$SERVE_PID/status")
# Heap in use, summed over the generations (SerialGC prints one line per generation).
heap=$(jcmd "$SERVE_PID" GC.heap_info 2>/dev/null | awk '/generation|space/ && /used/ {for (i=1;i<=NF;i++) if ($i=="used") {v=$(i+1); sub(/K,?$/,"",v); s+=v}} /Metaspace/ {exit} END {printf "%d MiB", s/1024}')
kill -TERM "$SERVE_PID"; wait "$SERVE_PID" || true; SERVE_PID=
second_ms=0
start=$(date +%s%N)
"$root/lifeboat" serve 2>"$WORK/serve2.log" &
SERVE_PID=$!
until grep -q ' running$' "$WORK/serve2.log"; do sleep 0.05; done
second_ms=$(( ($(date +%s%N) - start) / 1000000 ))
second_cpu=$(cpu_of "$SERVE_PID")
kill -TERM "$SERVE_PID"; wait "$SERVE_PID" || true; SERVE_PID=

sorted=$(printf '%s\n' "${report_times[@]}" | sort -n | sed -n 2p)
sorted_cpu=$(printf '%s\n' "${report_cpu[@]}" | sort -n | sed -n 2p)
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo
echo "load average at the end: $load on $(nproc) cores (wall times are only meaningful on an idle machine)"
echo
echo "| measure | wall | CPU s | target |"
echo "|---|---|---|---|"
echo "| serve start-up, $((2 * JOBS)) jobs, empty job store (JVM start included) | ${startup_ms} ms | ${startup_cpu} | < 5 s |"
echo "| serve start-up, $((2 * JOBS)) jobs, reconcile of an existing job store | ${second_ms} ms | ${second_cpu} | < 5 s |"
echo "| serve heap used after start-up | ${heap:-?} | | < 256 MiB |"
echo "| serve RSS after start-up | $((rss_kib / 1024)) MiB | | |"
echo "| report --format json over $RUNS runs (median of 3, JVM start included) | ${sorted} s | ${sorted_cpu} | < 1 s |"
echo "| JVM start alone (lifeboat --version) | ${jvm_wall} s | ${jvm_cpu} | |"
