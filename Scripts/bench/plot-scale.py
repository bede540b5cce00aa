#!/usr/bin/python3
"""README's performance chart: wall time, CPU time and peak RSS against the number of sockets, from bench-scale.sh.

Usage: Scripts/bench/plot-scale.py BENCH_OUTPUT [-o CHART.svg] [--note TEXT]

BENCH_OUTPUT is what `Scripts/bench/bench-scale.sh [N ...]` printed (one section "== N = ..." per size). For each N
the chart takes the first row of each command below that the section has (median of the runs):

    sockdiag -tan                                  sockdiag over netlink
    ss -tan                                        iproute2's ss over netlink
    sockdiag --backend proc -tan (/proc parsing)   /proc/net/tcp{,6} parsed by sockdiag's /proc backend
    netstat -tan                                   net-tools' netstat (when the run had it)
    sockdiag -tanp, ss -tanp                       with owners (dashed; when the run had them)
    sockdiag --state time-wait --port 8000         the mission query, and ss's equivalent (dotted; when the run
                                                   had them)

A series the output lacks is left out. A point from fewer runs than the others (a row that bench-scale.sh's
--row-budget cut, "[K runs]") is drawn hollow, and the printed summary says "[K runs]".

Draws with matplotlib (Debian: apt-get install python3-matplotlib; /usr/bin/python3 has it). The SVG keeps its
text as text and carries no date, so the same numbers give the same file.
"""

import argparse
import sys

import bench_growth  # next to this script

SERIES = [
    ("sockdiag -tan", "sockdiag -tan (netlink)", "#1f77b4", "o", "-"),
    ("ss -tan", "ss -tan (netlink)", "#ff7f0e", "s", "-"),
    ("sockdiag --backend proc -tan (/proc parsing)", "/proc/net/tcp parsing (sockdiag --backend proc)", "#2ca02c", "^",
     "-"),
    ("netstat -tan", "netstat -tan (/proc/net/tcp)", "#d62728", "D", "-"),
    ("sockdiag -tanp", "sockdiag -tanp (owners)", "#1f77b4", "o", "--"),
    ("ss -tanp", "ss -tanp (owners)", "#ff7f0e", "s", "--"),
    ("sockdiag --state time-wait --port 8000", "sockdiag --state time-wait --port 8000", "#1f77b4", "o", ":"),
    ("ss -tan state time-wait '( sport = :8000 or dport = :8000 )'", "ss's equivalent (filtered in the kernel)",
     "#ff7f0e", "s", ":"),
]


def parse(lines):
    """Returns {name: {n: (wall_ms, cpu_ms, rss_mib, fewer_runs or None)}} for the SERIES names, the first row of
    each per section (bench_growth.py's reading of bench-scale.sh's output)."""
    rows, _ = bench_growth.parse(lines)
    return {name: rows.get(name, {}) for name, *_ in SERIES}


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
    for name, label, color, marker, style in SERIES:
        points = sorted(table[name].items())
        if not points:
            continue
        sizes = [n for n, _ in points]
        for column, axes in enumerate(panels):
            axes.plot(sizes, [values[column] for _, values in points], marker=marker, color=color, label=label,
                      linestyle=style)
            hollow = [(n, values[column]) for n, values in points if values[3]]
            if hollow:
                axes.plot([n for n, _ in hollow], [v for _, v in hollow], marker=marker, color=color,
                          markerfacecolor="white", linestyle="none")
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
    columns = 2 if len(labels) <= 4 else 3
    legend_rows = (len(labels) + columns - 1) // columns
    figure.set_figheight(3.6 + 0.2 * max(0, legend_rows - 2))
    figure.legend(handles, labels, loc="lower center", ncol=columns, frameon=False)
    if note:
        figure.suptitle(note, fontsize=8)
    figure.tight_layout(rect=(0, 0.07 * legend_rows, 1, 0.95 if note else 1))
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
            f"{n}: {wall:g} ms wall, {cpu:g} ms cpu, {rss:g} MiB" + (f" [{fewer} runs]" if fewer else "")
            for n, (wall, cpu, rss, fewer) in sorted(table[name].items())
        )
        print(f"{name}: {values or 'no rows'}")
    draw(table, args.output, args.note)


if __name__ == "__main__":
    main()
