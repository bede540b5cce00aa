#!/usr/bin/python3
"""README's performance chart: wall time, CPU time and peak RSS against the number of sockets, from bench-scale.sh.

Usage: Scripts/bench/plot-scale.py BENCH_OUTPUT [-o CHART.svg] [--note TEXT]

BENCH_OUTPUT is what `Scripts/bench/bench-scale.sh [N ...]` printed (one section "== N = ..." per size). For each N
the chart takes the first row of each command below that the section has (median of the runs):

    sockdiag -tan                                  sockdiag over netlink
    ss -tan                                        iproute2's ss over netlink
    sockdiag --backend proc -tan (/proc parsing)   /proc/net/tcp{,6} parsed by sockdiag's /proc backend
    netstat -tan                                   net-tools' netstat (when the run had it)

Draws with matplotlib (Debian: apt-get install python3-matplotlib; /usr/bin/python3 has it). The SVG keeps its
text as text and carries no date, so the same numbers give the same file.
"""

import argparse
import re
import sys

SERIES = [
    ("sockdiag -tan", "sockdiag -tan (netlink)", "#1f77b4", "o"),
    ("ss -tan", "ss -tan (netlink)", "#ff7f0e", "s"),
    ("sockdiag --backend proc -tan (/proc parsing)", "/proc/net/tcp parsing (sockdiag --backend proc)", "#2ca02c", "^"),
    ("netstat -tan", "netstat -tan (/proc/net/tcp)", "#d62728", "D"),
]
SECTION = re.compile(r"^== N = (\d+):")
# "A sockdiag -tan    102.95    96.62      9.5     99996": the name, wall ms, cpu ms, rss MiB, output lines.
ROW = re.compile(r"^[AB] (.+?)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s*$")


def parse(lines):
    """Returns {name: {n: (wall_ms, cpu_ms, rss_mib)}} for the SERIES names, the first row of each per section."""
    table = {name: {} for name, *_ in SERIES}
    n = None
    for line in lines:
        section = SECTION.match(line)
        if section:
            n = int(section.group(1))
            continue
        row = ROW.match(line.rstrip("\n"))
        if n is None or not row:
            continue
        name = row.group(1).strip()
        if name in table and n not in table[name]:
            table[name][n] = (float(row.group(2)), float(row.group(3)), float(row.group(4)))
    return table


def draw(table, output, note):
    try:
        import matplotlib
    except ImportError:
        sys.exit("plot-scale.py: matplotlib is missing (apt-get install python3-matplotlib; run /usr/bin/python3)")
    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "sockdiag", "font.size": 9})
    import matplotlib.pyplot as plt

    figure, panels = plt.subplots(1, 3, figsize=(11, 3.6))
    titles = (("wall time (median)", "ms", True), ("CPU time, user + system (median)", "ms", True),
              ("peak RSS (median)", "MiB", False))
    for name, label, color, marker in SERIES:
        points = sorted(table[name].items())
        if not points:
            continue
        sizes = [n for n, _ in points]
        for column, axes in enumerate(panels):
            axes.plot(sizes, [values[column] for _, values in points], marker=marker, color=color, label=label)
    for axes, (title, unit, logarithmic) in zip(panels, titles):
        axes.set_xscale("log")
        axes.set_xlabel("TCP sockets in the namespace")
        axes.set_ylabel(unit)
        axes.set_title(title)
        axes.grid(True, which="both", linewidth=0.3)
        if logarithmic:
            axes.set_yscale("log")
        else:
            axes.set_ylim(bottom=0)
    time_axes = panels[0]
    handles, labels = time_axes.get_legend_handles_labels()
    figure.legend(handles, labels, loc="lower center", ncol=2, frameon=False)
    if note:
        figure.suptitle(note, fontsize=8)
    figure.tight_layout(rect=(0, 0.14, 1, 0.95 if note else 1))
    figure.savefig(output, format="svg", metadata={"Date": None})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bench_output", help="what Scripts/bench/bench-scale.sh printed")
    parser.add_argument("-o", "--output", default="Documentation/performance/bench-scale.svg")
    parser.add_argument("--note", default="", help="a line above the chart (machine, date, load)")
    args = parser.parse_args()
    with open(args.bench_output, encoding="utf-8") as file:
        table = parse(file)
    if not any(table.values()):
        sys.exit(f"plot-scale.py: no '== N = ...' section with a sockdiag or ss row in {args.bench_output}")
    for name, *_ in SERIES:
        values = ", ".join(
            f"{n}: {wall:g} ms wall, {cpu:g} ms cpu, {rss:g} MiB" for n, (wall, cpu, rss) in sorted(table[name].items())
        )
        print(f"{name}: {values or 'no rows'}")
    draw(table, args.output, args.note)


if __name__ == "__main__":
    main()
