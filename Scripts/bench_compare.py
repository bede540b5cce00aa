#!/usr/bin/env python3
"""Runs pairs of commands side by side, interleaved, and prints medians and ratios.

Usage: bench_compare.py RUNS NAME_A CMD_A NAME_B CMD_B [NAME_A CMD_A NAME_B CMD_B ...]
Each CMD is a shell-free command line (split on spaces, single quotes group words).
Per run it records wall time, CPU (user+sys, from os.wait4) and peak RSS (GNU time's %M: a child spawned
straight from Python would inherit Python's high-water mark), discards stdout, and checks every run exits 0.
"""
import os, shlex, statistics, subprocess, sys, time

RSS_FILE = f"/tmp/bench-compare-rss-{os.getpid()}"

def run_once(argv):
    wrapped = ["/usr/bin/time", "-o", RSS_FILE, "-f", "%M"] + argv
    start = time.perf_counter()
    pid = os.posix_spawn(wrapped[0], wrapped, os.environ, file_actions=[
        (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0)])
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"command failed ({status}): {' '.join(argv)}")
    with open(RSS_FILE) as f:
        rss = int(f.read().split()[-1])
    return wall, usage.ru_utime + usage.ru_stime, rss

def main():
    runs = int(sys.argv[1])
    rest = sys.argv[2:]
    pairs = [(rest[i], shlex.split(rest[i + 1]), rest[i + 2], shlex.split(rest[i + 3])) for i in range(0, len(rest), 4)]
    print(f"{'comparison':<58} {'wall ms':>9} {'cpu ms':>8} {'rss MiB':>8}   ratio wall / cpu / rss")
    for name_a, cmd_a, name_b, cmd_b in pairs:
        run_once(cmd_a); run_once(cmd_b)  # warm caches
        a, b = [], []
        for _ in range(runs):
            a.append(run_once(cmd_a)); b.append(run_once(cmd_b))
        med = lambda xs, i: statistics.median(x[i] for x in xs)
        for name, xs in ((name_a, a), (name_b, b)):
            print(f"{name:<58} {med(xs,0)*1000:9.2f} {med(xs,1)*1000:8.2f} {med(xs,2)/1024:8.1f}")
        print(f"{'  ' + name_a + ' / ' + name_b:<58} {'':9} {'':8} {'':8}   "
              f"{med(a,0)/med(b,0):.2f} / {med(a,1)/max(med(b,1),1e-9):.2f} / {med(a,2)/med(b,2):.2f}")

try:
    main()
finally:
    if os.path.exists(RSS_FILE):
        os.remove(RSS_FILE)
