#!/usr/bin/env python3
"""Runs pairs of commands side by side, interleaved, and prints medians and ratios.

Usage: bench_compare.py [--runs N] [--stdout FILE] [--before-each CMD] [--row-budget SECONDS] ROW [ROW ...]
       bench_compare.py RUNS ROW [ROW ...]            (the older form: RUNS first)
ROW is NAME_A CMD_A NAME_B CMD_B (a comparison) or --skipped TEXT (printed as "skipped: TEXT").
Each CMD is a shell-free command line (split on spaces, single quotes group words).

Per comparison: one untimed warm-up run of each command, then RUNS runs of each, alternating which goes first
(A B, B A, ...). Per run it records wall time, CPU (user+sys of the child, from os.wait4) and peak RSS (GNU
time's %M: a child spawned straight from Python would inherit Python's high-water mark), and checks that the
run exits 0. stdout goes to /dev/null, or with --stdout to FILE, truncated before each run (writing a real file
is what a user's redirect costs; the lines each command printed in its warm-up are shown). --before-each CMD runs
through the shell, untimed, before each comparison (bench-scale.sh uses it to renew the namespace's TIME_WAIT
sockets).

--row-budget SECONDS (default 0: none) bounds one comparison for commands that are very slow at large N (ss -tanp
at a million sockets). A warm-up that has not ended after SECONDS is killed (its process group); that command's
line says "did not finish its warm-up within the row budget", the other command is timed alone and the row has no
ratio ("skipped: ..." when neither finished). When the two warm-ups together took W
seconds and RUNS * W exceeds the budget, the comparison gets only max(1, SECONDS // W) timed runs, each preceded
by --before-each CMD (a run of minutes would otherwise see TIME_WAIT sockets expire between runs). Such a row says
so on every line: its A and B lines end with "[K runs]" and its ratio line with "(K runs, not RUNS ...)".
"""
import os, shlex, statistics, subprocess, sys, time

RSS_FILE = f"/tmp/bench-compare-rss-{os.getpid()}"
NAME_WIDTH = 62


def usage(message):
    sys.exit(f"bench_compare.py: {message}\n{__doc__}")


class Overtime(Exception):
    """A run killed after the time it was allowed."""


def run_once(argv, stdout, limit=0.0):
    """Runs ARGV once; returns (wall s, cpu s, peak RSS KiB). With LIMIT > 0, a run still going after LIMIT seconds
    is killed with its process group and raises Overtime."""
    wrapped = ["/usr/bin/time", "-o", RSS_FILE, "-f", "%M"] + argv
    start = time.perf_counter()
    pid = os.posix_spawn(wrapped[0], wrapped, os.environ, setpgroup=0, file_actions=[
        (os.POSIX_SPAWN_OPEN, 1, stdout, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)])
    while True:
        waited, status, usage = os.wait4(pid, os.WNOHANG if limit > 0 else 0)
        if waited == pid:
            break
        if time.perf_counter() - start > limit:
            os.killpg(pid, 9)
            os.wait4(pid, 0)
            raise Overtime()
        time.sleep(0.05)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"command failed ({os.waitstatus_to_exitcode(status)}): {' '.join(argv)}")
    with open(RSS_FILE) as f:
        rss = int(f.read().split()[-1])
    return wall, usage.ru_utime + usage.ru_stime, rss


def count_lines(path):
    if path == "/dev/null":
        return None
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


def parse(args):
    runs, stdout, before, budget = 7, "/dev/null", None, 0.0
    if args and args[0].isdigit():
        runs, args = int(args[0]), args[1:]
    while args and args[0] in ("--runs", "--stdout", "--before-each", "--row-budget"):
        if len(args) < 2:
            usage(f"{args[0]} needs a value")
        option, value, args = args[0], args[1], args[2:]
        if option == "--runs":
            runs = int(value)
        elif option == "--stdout":
            stdout = value
        elif option == "--row-budget":
            budget = float(value)
        else:
            before = value
    rows = []
    while args:
        if args[0] == "--skipped":
            if len(args) < 2:
                usage("--skipped needs a text")
            rows.append(("skipped", args[1]))
            args = args[2:]
        elif len(args) >= 4:
            rows.append(("compare", (args[0], shlex.split(args[1]), args[2], shlex.split(args[3]))))
            args = args[4:]
        else:
            usage(f"incomplete comparison: {args}")
    if runs < 1 or not rows:
        usage("nothing to run")
    return runs, stdout, before, budget, rows


def warm_up(command, stdout, budget):
    """One untimed run (caches, page tables), which also counts the lines the command prints. Returns its wall
    time and its line count (None without --stdout). With a budget, a run longer than the budget raises
    Overtime."""
    wall, _, _ = run_once(command, stdout, budget)
    return wall, count_lines(stdout)


def runs_within(runs, budget, warm_up_seconds):
    """How many timed runs of each command a comparison gets: RUNS, or fewer when RUNS pairs would exceed the
    budget at the pace of the warm-ups."""
    if budget <= 0 or runs * warm_up_seconds <= budget:
        return runs
    return max(1, min(runs, int(budget // warm_up_seconds)))


def compare(row, runs, stdout, before, budget):
    """Warms up and times the two commands of ROW, interleaved, and prints their lines and the ratio line. A
    command whose warm-up outlasts the budget is left out (said on its line) and the other is timed alone."""
    names, commands = (row[0], row[2]), (row[1], row[3])
    if before:
        subprocess.run(before, shell=True, check=True)
    warm, lines = {}, {}
    for name, command in zip(names, commands):
        try:
            warm[name], lines[name] = warm_up(command, stdout, budget)
        except Overtime:
            pass
    timed_names = [name for name in names if name in warm]
    if not timed_names:
        print(f"skipped: {names[0]} vs {names[1]}: neither finished its warm-up within the row budget ({budget:g} s)")
        return
    row_runs = runs_within(runs, budget, sum(warm.values()))
    renew = before if row_runs < runs else None
    results = {name: [] for name in timed_names}
    for i in range(row_runs):
        order = [(n, c) for n, c in zip(names, commands) if n in warm]
        for name, command in order if i % 2 == 0 else reversed(order):
            if renew:
                subprocess.run(renew, shell=True, check=True)
            results[name].append(run_once(command, stdout))
    fewer = f"  [{row_runs} run{'s' if row_runs > 1 else ''}]" if row_runs < runs else ""
    med = lambda xs, i: statistics.median(x[i] for x in xs)
    pad = " " * (10 if stdout != "/dev/null" else 0)
    for label, name in zip("AB", names):
        if name not in results:
            print(f"{label} {name:<{NAME_WIDTH - 2}} did not finish its warm-up within the row budget ({budget:g} s): "
                  f"killed")
            continue
        xs = results[name]
        column = f" {lines[name]:>9}" if lines[name] is not None else ""
        print(f"{label} {name:<{NAME_WIDTH - 2}} {med(xs, 0) * 1000:9.2f} {med(xs, 1) * 1000:8.2f} "
              f"{med(xs, 2) / 1024:8.1f}{column}{fewer}")
    if len(results) < 2:
        print(f"{'':<{NAME_WIDTH}} {'':9} {'':8} {'':8}{pad}   no ratio: one command was not timed")
        return
    a, b = results[names[0]], results[names[1]]
    note = (f"   ({row_runs} run{'s' if row_runs > 1 else ''}, not {runs}: the warm-ups took {warm[names[0]]:.1f} s + "
            f"{warm[names[1]]:.1f} s, the row budget is {budget:g} s)") if fewer else ""
    print(f"{'':<{NAME_WIDTH}} {'':9} {'':8} {'':8}{pad}   "
          f"{med(a, 0) / med(b, 0):.2f} / {med(a, 1) / max(med(b, 1), 1e-9):.2f} / {med(a, 2) / med(b, 2):.2f}{note}")


def main():
    runs, stdout, before, budget, rows = parse(sys.argv[1:])
    lines_header = " out lines" if stdout != "/dev/null" else ""
    print(f"{'comparison (median of ' + str(runs) + ' runs each)':<{NAME_WIDTH}} {'wall ms':>9} {'cpu ms':>8} "
          f"{'rss MiB':>8}{lines_header}   ratio A/B wall / cpu / rss")
    for kind, row in rows:
        if kind == "skipped":
            print(f"skipped: {row}")
        else:
            compare(row, runs, stdout, before, budget)
        sys.stdout.flush()


try:
    main()
except KeyboardInterrupt:
    sys.exit(130)
finally:
    if os.path.exists(RSS_FILE):
        os.remove(RSS_FILE)
