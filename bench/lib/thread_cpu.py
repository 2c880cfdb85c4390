#!/usr/bin/env python3
"""Samples a process's threads every 0.1 s until it exits; prints CPU seconds per thread group.

Usage: thread_cpu.py PID [CHILD]. With CHILD, also says how long after this script started a
child of PID whose command line starts with CHILD first appeared after PID started (looked for
every 10 ms; PID's start is known to 10 ms). Threads are grouped by name with trailing digits dropped ("C2
CompilerThread0" and "...1" are one group). A thread that ended between two samples keeps its
last sample, so short-lived threads can be under-counted by up to 0.1 s of their CPU.
"""
import collections
import os
import sys
import time

pid = sys.argv[1]
child = sys.argv[2].encode() if len(sys.argv) > 2 else None
ticks = os.sysconf("SC_CLK_TCK")
with open(f"/proc/{pid}/stat") as f:
    started = int(f.read().rsplit(")", 1)[1].split()[19]) / ticks  # starttime, s after boot


def uptime():
    with open("/proc/uptime") as f:
        return float(f.read().split()[0])


child_at = None
last = {}
polls = 0
while os.path.exists(f"/proc/{pid}"):
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        break
    if child is not None and child_at is None:
        for tid in tids:
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    kids = f.read().split()
                for kid in kids:
                    with open(f"/proc/{kid}/cmdline", "rb") as f:
                        if f.read().startswith(child):
                            child_at = uptime() - started
            except OSError:
                continue
    polls += 1
    if polls % 10 != 1:
        time.sleep(0.01)
        continue
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        last[tid] = (name, int(fields[11]) + int(fields[12]))  # utime + stime
    time.sleep(0.01)
if child is not None:
    print(f"  {child.decode()} started " + (f"{child_at:.2f} s" if child_at is not None else "? (not seen)")
          + " after the process")
groups = collections.Counter()
for name, t in last.values():
    groups[name.rstrip("0123456789#").strip()] += t
for name, t in groups.most_common(8):
    print(f"  {name:26s} {t / ticks:6.2f} CPU s")
print(f"  {'all threads':26s} {sum(groups.values()) / ticks:6.2f} CPU s")
