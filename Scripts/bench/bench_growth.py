#!/usr/bin/env python3
"""How each command grows with N: a table from bench-scale.sh's output at several N.

Usage: Scripts/bench/bench_growth.py BENCH_OUTPUT [BENCH_OUTPUT ...]

BENCH_OUTPUT is what `Scripts/bench/bench-scale.sh N1 N2 ...` printed (one section "== N = ..." per size; the
outputs of separate runs, e.g. one at 100000 and one at 1000000, can be given together). bench-scale.sh prints
this table itself at the end when it ran more than one N.

For every command (the first row of each name in a section, as plot-scale.py takes it), one line per metric
(median wall ms, median CPU ms, median peak RSS MiB) with its value at each N, then for the last step from the
previous N: the ratio (x) and the exponent k = log(ratio) / log(N ratio) — k 1 is linear, k 2 quadratic, k 0
flat (what peak RSS must be for a streaming command). A value from fewer runs than the section's (a row cut by
--row-budget) carries its "[K]"; an N where the command has no row (skipped, e.g. past the row budget) shows "-",
and the growth is then that of the last two N it has.
"""

import math
import re
import sys

SECTION = re.compile(r"^== N = (\d+):")
# "A sockdiag -tan    102.95    96.62      9.5     99996  [3 runs]": name, wall ms, cpu ms, rss MiB, lines, runs.
ROW = re.compile(r"^[AB] (.+?)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)(?:\s+\d+)?(?:\s+\[(\d+) runs?\])?\s*$")
METRICS = (("wall ms", 0), ("cpu ms", 1), ("rss MiB", 2))


def parse(lines):
    """Returns ({name: {n: (wall, cpu, rss, runs or None)}}, names in order of appearance)."""
    table, order, n = {}, [], None
    for line in lines:
        section = SECTION.match(line)
        if section:
            n = int(section.group(1))
            continue
        row = ROW.match(line.rstrip("\n"))
        if n is None or not row:
            continue
        name = row.group(1).strip()
        if name not in table:
            table[name] = {}
            order.append(name)
        if n not in table[name]:
            runs = int(row.group(5)) if row.group(5) else None
            table[name][n] = (float(row.group(2)), float(row.group(3)), float(row.group(4)), runs)
    return table, order


def cell(value, runs):
    text = f"{value:.1f}" if value >= 10 else f"{value:.2f}"
    return text + (f" [{runs}]" if runs else "")


def growth(points, index):
    """'x10.2  k 1.01' for the last step of POINTS [(n, values)], or '' with one point or a value of 0."""
    if len(points) < 2:
        return ""
    (n0, before), (n1, after) = points[-2], points[-1]
    if before[index] <= 0 or after[index] <= 0:
        return ""
    ratio = after[index] / before[index]
    return f"x{ratio:.2f}  k {math.log(ratio) / math.log(n1 / n0):.2f}"


def report(table, order):
    sizes = sorted({n for values in table.values() for n in values})
    names = [name for name in order if table[name]]
    if len(sizes) < 2 or not any(len(table[name]) >= 2 for name in names):
        return False
    width = max(len(name) for name in names)
    last = f"{sizes[-1]}/{sizes[-2]}" if len(sizes) >= 2 else ""
    print(f"growth with N (medians; [K]: from K runs; x: ratio of the last N to the one before it; "
          f"k = log(x) / log(N ratio): 1 linear, 2 quadratic, 0 flat)")
    print(f"{'command':<{width}}  {'metric':<7} " + "".join(f"{n:>14}" for n in sizes) + f"   last step ({last})")
    for name in names:
        points = sorted(table[name].items())
        for label, index in METRICS:
            cells = "".join(f"{cell(table[name][n][index], table[name][n][3]) if n in table[name] else '-':>14}"
                            for n in sizes)
            print(f"{name if index == 0 else '':<{width}}  {label:<7} {cells}   {growth(points, index)}")
    return True


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0 if len(sys.argv) >= 2 else 2)
    lines = []
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as file:
            lines.extend(file)
    table, order = parse(lines)
    if not report(table, order):
        sys.exit("bench_growth.py: no command measured at two or more N in " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
