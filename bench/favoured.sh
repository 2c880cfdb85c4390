#!/usr/bin/env bash
# bench/favoured.sh: runs a benchmark with a high CPU weight, for machines that other work
# shares. Usage: bench/favoured.sh bench/drill.sh --runs 3
#
# The command and everything it starts (the JVM, pg_restore, sandbox servers, the shell
# pipeline: every contender alike) go into a cgroup whose CPU weight is the largest the kernel
# allows (cgroup v1 cpu.shares 262144, v2 cpu.weight 10000; the default is 1024 or 100), so
# that builds and tests running meanwhile get the CPU only when the benchmark leaves it idle.
# It cannot stop other work from using the disk or the page cache, and it does not make an idle
# machine faster: the scripts still report the other CPU of each run. Needs root; without a
# usable cgroup it says so and runs the command unchanged.
set -euo pipefail
(($#)) || { echo "usage: bench/favoured.sh COMMAND [ARGS...]" >&2; exit 2; }

group=""
if [[ -w /sys/fs/cgroup/cpu/cgroup.procs ]]; then
    group=/sys/fs/cgroup/cpu/lifeboat-bench-favoured-$$
    mkdir "$group" && echo 262144 >"$group/cpu.shares"
elif [[ -f /sys/fs/cgroup/cgroup.controllers ]] && grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; then
    group=/sys/fs/cgroup/lifeboat-bench-favoured-$$
    mkdir "$group" && echo 10000 >"$group/cpu.weight"
fi
if [[ -z "$group" ]]; then
    echo "favoured: no writable cgroup cpu controller (root needed); running without priority" >&2
    exec "$@"
fi
echo "favoured: $group (highest CPU weight) for: $*" >&2
rc=0
(echo "$BASHPID" >"$group/cgroup.procs" && exec "$@") || rc=$?
# everything has exited (the benchmark fails a run that leaves a process behind); remove the group
rmdir "$group" 2>/dev/null || echo "favoured: could not remove $group (processes left: $(tr '\n' ' ' <"$group/cgroup.procs"))" >&2
exit "$rc"
