# shellcheck shell=bash
# bench/lib/drill-checks.sh: what the hand-written drills share (sourced by drill-shell.sh and
# drill-shell-mariadb.sh, never run on its own): step timing, failing, the sandbox directory and
# its teardown, and the checks: the row counts against the backup's manifest and the drill's
# SQL checks with their expectations.
#
# The sourcing script sets DRILL_NAME (for messages) and STEPS (where step times go), and
# defines stop_server (stops its server, if one runs, and removes what it wrote outside DIR).

now() { date +%s.%N; }
step() { awk -v n="$1" -v a="$2" -v b="$(now)" 'BEGIN { printf "%s %.3f\n", n, b - a }' >>"$STEPS"; }
fail() { echo "$DRILL_NAME: FAILED: $*" >&2; exit 1; }

# require_row_counts MANIFEST ACTUAL: ACTUAL ("table rows" lines, any order) must be the manifest's
# row_counts ("public.orders" : 1300000, or "orders" : 1300000 for MariaDB), every table alike.
require_row_counts() {
    local expected actual
    expected=$(awk '/"row_counts"/ { on = 1; next } on && /}/ { exit }
        on { gsub(/[",]/, ""); print $1, $3 }' "$1" | sort)
    actual=$(sort <<<"$2")
    [[ -n "$expected" && "$actual" == "$expected" ]] \
        || fail "row counts differ from the manifest: $(diff <(echo "$expected") <(echo "$actual") | tr '\n' ' ')"
}

# run_checks CHECKS QUERY TRUE: every check of CHECKS (name<TAB>sql<TAB>expectation lines) through
# the function QUERY (prints the first value of its SQL argument's result), compared with its
# expectation: '>= N', '<= N', '= VALUE', or 'true', which is the engine's TRUE (t, 1).
run_checks() {
    local checks=$1 query=$2 truth=$3 name sql expect got ok
    while IFS=$'\t' read -r name sql expect; do
        [[ -n "$name" ]] || continue
        got=$("$query" "$sql") || fail "check '$name': query failed"
        case "$expect" in
            ">= "*) ok=$(awk -v g="$got" -v e="${expect#>= }" 'BEGIN { print (g + 0 >= e + 0) }') ;;
            "<= "*) ok=$(awk -v g="$got" -v e="${expect#<= }" 'BEGIN { print (g + 0 <= e + 0) }') ;;
            "= "*) ok=$([[ "$got" == "${expect#= }" ]] && echo 1 || echo 0) ;;
            true) ok=$([[ "$got" == "$truth" ]] && echo 1 || echo 0) ;;
            *) fail "check '$name': expectation '$expect' is not one this script understands" ;;
        esac
        ((ok)) || fail "check '$name': got '$got', expected $expect"
    done <"$checks"
}

DIR=""
# make_sandbox_dir PARENT RECORD USER: DIR, a fresh directory in PARENT owned by the server's
# USER, appended to RECORD at once so that the caller can clean up after an interrupted run.
make_sandbox_dir() {
    DIR=$(mktemp -d "$1/lifeboat-bench-drill.XXXXXX")
    echo "$DIR" >>"$2"
    chown "$3": "$DIR"
}

# The EXIT trap (also when a step fails): stop_server, remove DIR, time it; keeps the exit code.
teardown() {
    local rc=$? t0
    t0=$(now)
    stop_server
    if [[ -n "$DIR" ]]; then
        rm -rf "$DIR"
        step teardown "$t0"
    fi
    exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT TERM
