#!/usr/bin/env bash
# sockdiag against ss (and against itself) at scale: for each N, a private network namespace holding N TCP
# sockets, and inside it sockdiag and ss side by side, interleaved, >= 7 runs each (medians of wall time,
# CPU and peak RSS, with ratios). See Benchmarks/README.md for what each row measures and how to read it.
#
# Usage: Scripts/bench/bench-scale.sh [--runs R] [--row-budget S] [--only REGEX] [--package-benchmark] [N ...]
#                                                                           (root; default N: 10000 100000)
#        Scripts/bench/bench-scale.sh --live [--runs R] [--only REGEX]     (read-only, current namespace)
#
#   N                    sockets per namespace: ~95% ESTABLISHED loopback pairs (and their listeners), ~5%
#                        server-side TIME_WAIT, 10 of which on local port 8000. 300000 (~0.8 GiB of kernel memory)
#                        and 1000000 (~2.7 GiB, filled in ~20 s) work but run only when asked for. With several N,
#                        a table of how each command grows with N ends the output (Scripts/bench/bench_growth.py).
#   --runs R             timed runs per command and comparison (default 7, at least 7).
#   --row-budget S       seconds one comparison may take for its timed runs (0: no limit). A comparison whose
#                        warm-ups show that R runs would take longer gets fewer (at least 1), and says so on each
#                        of its lines ("[K runs]", "(K runs, not R ...)"); a warm-up still going after S seconds
#                        is killed, its line says so, and the other command is timed alone, with no ratio. For
#                        ss -tanp, whose owner lookup grows faster than N squared (many minutes a run at 1000000).
#                        Default: 0 below 500000 sockets, 900 from 500000.
#   --only REGEX         run only the comparisons whose first name matches REGEX (grep -E), e.g. --only ' -p|-tanp'.
#   --package-benchmark  also run the package-benchmark suite (Benchmarks/) inside each namespace, after the
#                        comparisons; SOCKDIAG_BENCHMARK_METRICS (ci, local, resources) picks its metrics.
#   --live               create nothing and change nothing: run the same comparisons in the current network
#                        namespace, on whatever sockets it has (for an operator on a production server).
#
# Binaries: SOCKDIAG=/path/sockdiag and SOCKDIAG_FLOOR=/path/sockdiag-floor use prebuilt ones (e.g. copied to a
# server without a toolchain); otherwise both are built in release mode with the Swift stdlib linked statically.
#
# The exporter row ("sockdiag-exporter scrape"; not with --live): inside the namespace, Debian's
# prometheus-node-exporter with only its tcpstat collector (installed when missing, without starting its service)
# and sockdiag-exporter twice (--top-ports 0: state totals only; --top-ports 10), scraped over HTTP by
# Scripts/bench/bench_scrape.py: wall time per scrape, the server's CPU per scrape, its RSS, and a check that the per-state
# TCP totals agree with node_tcp_connection_states. SOCKDIAG_EXPORTER=/path/sockdiag-exporter uses a prebuilt one.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

live=false
package_benchmark=false
runs=7
row_budget=""
only=""
sizes=()
while [ $# -gt 0 ]; do
    case "$1" in
        --live) live=true ;;
        --package-benchmark) package_benchmark=true ;;
        --runs)
            [ $# -ge 2 ] || { echo "bench-scale.sh: --runs needs a number" >&2; exit 2; }
            runs=$2
            shift
            ;;
        --row-budget)
            [ $# -ge 2 ] || { echo "bench-scale.sh: --row-budget needs a number of seconds" >&2; exit 2; }
            row_budget=$2
            shift
            ;;
        --only)
            [ $# -ge 2 ] || { echo "bench-scale.sh: --only needs a pattern" >&2; exit 2; }
            only=$2
            shift
            ;;
        -h | --help) usage; exit 0 ;;
        '' | *[!0-9]*) echo "bench-scale.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
        *) sizes+=("$1") ;;
    esac
    shift
done
case "$runs" in '' | *[!0-9]*) echo "bench-scale.sh: --runs needs a number" >&2; exit 2 ;; esac
[ "$runs" -ge 7 ] || { echo "bench-scale.sh: --runs must be at least 7" >&2; exit 2; }
case "$row_budget" in *[!0-9]*) echo "bench-scale.sh: --row-budget needs a number of seconds" >&2; exit 2 ;; esac
if $live; then
    [ ${#sizes[@]} -eq 0 ] || { echo "bench-scale.sh: --live creates no sockets; give no N" >&2; exit 2; }
    ! $package_benchmark || { echo "bench-scale.sh: --package-benchmark needs a namespace (not --live)" >&2; exit 2; }
else
    [ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
    for n in "${sizes[@]}"; do
        [ "$n" -ge 100 ] || { echo "bench-scale.sh: N must be at least 100" >&2; exit 2; }
    done
    [ "$(id -u)" -eq 0 ] || { echo "bench-scale.sh: needs root (ip netns); --live does not" >&2; exit 2; }
fi

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/build.sh"
. "$here/../lib/netns.sh"
root=$sockdiag_root
for tool in python3 ss /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench-scale.sh: $tool is missing (apt-get install time iproute2 python3)" >&2; exit 1; }
done
$live || command -v gcc >/dev/null || { echo "bench-scale.sh: gcc is missing (apt-get install gcc)" >&2; exit 1; }

# Everything this script starts or creates, removed when it ends (on success, failure, Ctrl-C): the servers, the
# namespace with its filler (lib/netns.sh), the temporary directory.
tmp=$(mktemp -d /tmp/bench-scale.XXXXXX)
holder=""
teardown_namespace() {
    if [ -n "$holder" ]; then
        kill "$holder" 2>/dev/null || true # its workers die with it (PR_SET_PDEATHSIG)
        wait "$holder" 2>/dev/null || true
        holder=""
    fi
    netns_delete
}
servers=()
stop_servers() {
    local pid
    for pid in ${servers[@]+"${servers[@]}"}; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    servers=()
}
on_exit stop_servers
on_exit teardown_namespace
on_exit 'rm -rf "$tmp"'

# Binaries.
bin=${SOCKDIAG:-}
[ -n "$bin" ] || bin="$(release_build)/sockdiag"
exporter=${SOCKDIAG_EXPORTER:-$(dirname "$bin")/sockdiag-exporter}
if [ -n "${SOCKDIAG_FLOOR:-}" ]; then
    floor=$SOCKDIAG_FLOOR
else
    # Linked like sockdiag (static Swift stdlib), so that the floor row compares the work, not the loader.
    echo "building sockdiag-floor (swift build -c release --static-swift-stdlib --package-path Benchmarks) ..." >&2
    (cd "$root" && swift build -c release --static-swift-stdlib --package-path Benchmarks --product sockdiag-floor >&2)
    floor="$(cd "$root" && swift build -c release --static-swift-stdlib --package-path Benchmarks --show-bin-path)/sockdiag-floor"
fi
[ -x "$bin" ] || { echo "bench-scale.sh: no sockdiag at $bin" >&2; exit 1; }
[ -x "$floor" ] || { echo "bench-scale.sh: no sockdiag-floor at $floor" >&2; exit 1; }
# Copies: `swift package benchmark` (--package-benchmark) relinks sockdiag-floor in place, dynamically.
mkdir "$tmp/bin"
cp "$bin" "$tmp/bin/sockdiag"
cp "$floor" "$tmp/bin/sockdiag-floor"
[ -x "$exporter" ] && cp "$exporter" "$tmp/bin/sockdiag-exporter"
echo "sockdiag: $("$bin" --version) ($bin); sockdiag-floor: $floor" >&2
bin="$tmp/bin/sockdiag"
floor="$tmp/bin/sockdiag-floor"
if $package_benchmark; then
    echo "building the package-benchmark suite (swift package benchmark list) ..." >&2
    (cd "$root/Benchmarks" && swift package benchmark list >&2)
fi
if ! $live; then
    gcc -O2 -Wall -Wextra -o "$tmp/bench-fill" "$here/bench-fill.c"
fi

# Rows whose sockdiag command this build lacks are printed as skipped.
help=$("$bin" --help 2>&1 || true)
has_option() { grep -qE -- "^[[:space:]]*($1)([,[:space:]]|\$)" <<<"$help"; }
q() { printf '%q' "$1"; }
filtered_ss="ss -tan state time-wait '( sport = :8000 or dport = :8000 )'"
rows=(
    "sockdiag -tan" "$(q "$bin") -tan" "ss -tan" "ss -tan"
    "sockdiag --state time-wait --port 8000" "$(q "$bin") --state time-wait --port 8000" "$filtered_ss" "$filtered_ss"
)
# rows_if OPTIONS WHAT ROW...: the rows when this build's --help lists one of OPTIONS (a grep -E alternation), else
# one line saying WHAT is skipped.
rows_if() {
    local options=$1 what=$2
    shift 2
    if has_option "$options"; then rows+=("$@"); else rows+=(--skipped "$what not supported by this build"); fi
}
rows_if "--backend" "sockdiag --backend proc --state time-wait --port 8000" \
    "sockdiag --backend proc --state time-wait --port 8000" "$(q "$bin") --backend proc --state time-wait --port 8000" \
    "sockdiag --state time-wait --port 8000" "$(q "$bin") --state time-wait --port 8000"
rows_if "--backend" "sockdiag --backend proc -tan" \
    "sockdiag --backend proc -tan (/proc parsing)" "$(q "$bin") --backend proc -tan" "sockdiag -tan" "$(q "$bin") -tan"
# netstat (net-tools) parses /proc/net/tcp{,6} too; where it is installed, it gets a row of its own.
if command -v netstat >/dev/null; then
    rows+=("netstat -tan" "netstat -tan" "ss -tan" "ss -tan")
else
    rows+=(--skipped "netstat -tan (net-tools is not installed)")
fi
rows_if "-i|--info" "sockdiag -tani" "sockdiag -tani" "$(q "$bin") -tani" "ss -tani" "ss -tani"
rows_if "-m|--memory" "sockdiag -tanm" "sockdiag -tanm" "$(q "$bin") -tanm" "ss -tanm" "ss -tanm"
rows_if "-s|--summary" "sockdiag -s" "sockdiag -s" "$(q "$bin") -s" "ss -s" "ss -s"
# -p: the filler's sockets are held by its worker processes (at most 20000 each). The port-8000 sockets are all
# TIME_WAIT (no inode, so no /proc scan); the listener on 9000 is one owned socket (a full scan of /proc).
rows_if "-p|--processes" "sockdiag -p" \
    "sockdiag -tanp" "$(q "$bin") -tanp" "ss -tanp" "ss -tanp" \
    "sockdiag -tanp --port 8000" "$(q "$bin") -tanp --port 8000" \
    "ss -tanp '( sport = :8000 or dport = :8000 )'" "ss -tanp '( sport = :8000 or dport = :8000 )'" \
    "sockdiag -tlnp --sport 9000" "$(q "$bin") -tlnp --sport 9000" "ss -tlnp '( sport = :9000 )'" "ss -tlnp '( sport = :9000 )'" \
    "sockdiag -tanp (cost of -p)" "$(q "$bin") -tanp" "sockdiag -tan" "$(q "$bin") -tan"
# Owners from the BPF task_file iterator against the /proc walk (SOCKDIAG_OWNERS picks the source; as root the
# automatic choice is BPF).
rows_if "-p|--processes" "sockdiag -p (BPF vs /proc)" \
    "sockdiag -tanp (BPF owners)" "env SOCKDIAG_OWNERS=bpf $(q "$bin") -tanp" \
    "sockdiag -tanp (/proc walk)" "env SOCKDIAG_OWNERS=proc $(q "$bin") -tanp" \
    "sockdiag -tlnp --sport 9000 (BPF owners)" "env SOCKDIAG_OWNERS=bpf $(q "$bin") -tlnp --sport 9000" \
    "sockdiag -tlnp --sport 9000 (/proc walk)" "env SOCKDIAG_OWNERS=proc $(q "$bin") -tlnp --sport 9000" \
    "sockdiag -tanp (owners on the sockets)" "env SOCKDIAG_OWNERS=storage $(q "$bin") -tanp" \
    "sockdiag -tanp (BPF table)" "env SOCKDIAG_OWNERS=bpf $(q "$bin") -tanp"
# -p's default path (a table of every socket descriptor, or from 524 288 open files the owners kept on the
# sockets in the kernel) is the "sockdiag -tanp" rows above; these two compare the paths at any N.
rows+=(
    "sockdiag -tan" "$(q "$bin") -tan" "sockdiag-floor (bare dump, all TCP states)" "$(q "$floor")"
    "sockdiag --state time-wait --port 8000" "$(q "$bin") --state time-wait --port 8000"
    "sockdiag-floor --filtered (bare dump)" "$(q "$floor") --filtered"
    "sockdiag --version (startup)" "$(q "$bin") --version" "ss -V (startup)" "ss -V"
)
exporter_row=true
if $live || { [ -n "$only" ] && ! grep -qE -- "$only" <<<"sockdiag-exporter scrape"; }; then exporter_row=false; fi
if $exporter_row; then
    [ -x "$tmp/bin/sockdiag-exporter" ] || { echo "bench-scale.sh: no sockdiag-exporter at $exporter" >&2; exit 1; }
    if ! command -v prometheus-node-exporter >/dev/null; then
        echo "installing prometheus-node-exporter (for the exporter row; its service is not started) ..." >&2
        own_policy=false
        if [ ! -e /usr/sbin/policy-rc.d ]; then
            printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && own_policy=true
        fi
        status=0
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            prometheus-node-exporter >/dev/null; } || status=$?
        if $own_policy; then rm -f /usr/sbin/policy-rc.d; fi
        [ "$status" -eq 0 ] || { echo "bench-scale.sh: installing prometheus-node-exporter failed" >&2; exit 1; }
    fi
fi
if [ -n "$only" ]; then
    kept=()
    set -- "${rows[@]}"
    while [ $# -gt 0 ]; do
        if [ "$1" = --skipped ]; then
            shift 2
        else
            if grep -qE -- "$only" <<<"$1"; then kept+=("$1" "$2" "$3" "$4"); fi
            shift 4
        fi
    done
    [ ${#kept[@]} -gt 0 ] || $exporter_row || { echo "bench-scale.sh: --only '$only' matches no comparison" >&2; exit 2; }
    rows=(${kept[@]+"${kept[@]}"})
fi

# Header lines common to every N.
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "kernel $(uname -r); $(ss -V); CPU ${cpu:-unknown} x $(nproc); $("$bin" --version); runs: $runs per command"

# Runs the comparison rows; $1 is the namespace ("" for the current one), $2 the --before-each command, $3 the
# row budget in seconds (0: none).
compare() {
    [ ${#rows[@]} -gt 0 ] || return 0
    local in_ns=() before=()
    [ -n "$1" ] && in_ns=(ip netns exec "$1")
    [ -n "$2" ] && before=(--before-each "$2")
    ${in_ns[@]+"${in_ns[@]}"} python3 "$here/bench_compare.py" --runs "$runs" --stdout "$tmp/stdout" \
        --row-budget "${3:-0}" ${before[@]+"${before[@]}"} "${rows[@]}"
}

# Kernel memory, from /proc/meminfo: "Slab 912 MiB (SUnreclaim 85 MiB), MemAvailable 23311 MiB".
kernel_memory() {
    awk '/^(Slab|SUnreclaim|MemAvailable):/ { v[$1] = int($2 / 1024) }
        END { printf "Slab %d MiB (SUnreclaim %d MiB), MemAvailable %d MiB",
                     v["Slab:"], v["SUnreclaim:"], v["MemAvailable:"] }' /proc/meminfo
}
# TCP sockets allocated on the whole machine (every namespace): the "alloc" of /proc/net/sockstat's TCP line.
tcp_allocated() {
    awk '$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == "alloc") print $(i + 1) }' /proc/net/sockstat
}

# Tears the namespace down, then waits (up to 60 s) until the machine's allocated TCP sockets have dropped by 90%
# of the namespace's own (the kernel frees a million sockets some seconds after their processes are gone; other
# namespaces may come and go meanwhile), and says how long that took and what is left.
teardown_and_report() {
    local own before start waited=0
    own=$(ip netns exec "$ns" awk '$1 == "TCP:" { print $3 + $7 }' /proc/net/sockstat) # inuse + tw
    before=$(tcp_allocated)
    start=$(date +%s%N)
    teardown_namespace
    while [ "$(tcp_allocated)" -gt $((before - own * 90 / 100)) ] && [ "$waited" -lt 600 ]; do
        sleep 0.1
        waited=$((waited + 1))
    done
    local ms=$((($(date +%s%N) - start) / 1000000)) left
    left=$(ip netns list | grep -c "^$ns\b" || true)
    echo "cleanup: $own sockets, namespace deleted ($left left in ip netns list), processes gone; TCP sockets" \
        "allocated (all namespaces) $before -> $(tcp_allocated) in $((ms / 1000)).$(printf '%03d' $((ms % 1000))) s;" \
        "$(kernel_memory)"
}

# "94990 ESTAB, 5000 TIME-WAIT, ..." and the total, from one `ss -tanH` (what `ss -tanH | wc -l` counts).
census() {
    "$@" ss -tanH | awk '{ total++; state[$1]++ }
        END { line = ""; for (s in state) line = line sprintf("%s%d %s", line == "" ? "" : ", ", state[s], s)
              printf "%d TCP sockets (ss -tanH | wc -l): %s\n", total, line }'
}

if $live; then
    echo "live: the current network namespace, read-only; $(census)"
    echo "TIME-WAIT with port 8000: $(ss -tanH state time-wait '( sport = :8000 or dport = :8000 )' | wc -l)"
    compare "" "" "${row_budget:-0}"
    exit 0
fi

for n in "${sizes[@]}"; do
    tw=$((n / 20))
    tw8000=10
    [ "$tw" -ge 20 ] || tw=20
    # Private to this namespace: room for 20000 connections per listener port, and for the TIME_WAIT batches.
    netns_create "sockdiag-scale-$n" net.ipv4.tcp_tw_reuse=0 net.ipv4.ip_local_port_range="10000 65000" \
        net.ipv4.tcp_max_tw_buckets=$((tw * 4 + 1024))
    ns=$netns
    section_start=$(date +%s%N)
    memory_before=$(kernel_memory)
    budget=${row_budget:-$([ "$n" -ge 500000 ] && echo 900 || echo 0)}

    start=$(date +%s%N)
    ip netns exec "$ns" "$tmp/bench-fill" hold $((n - tw)) "$tmp/ready-$n" &
    holder=$!
    wait_for_file "$tmp/ready-$n" 0 "$holder"
    held=$((($(date +%s%N) - start) / 1000000))
    # TIME_WAIT lasts 60 s: the batch is made last, and renewed (old batch destroyed, new one made) before
    # every comparison, so every row sees the same population.
    renew="ss -K -tanH state time-wait >/dev/null && $(q "$tmp/bench-fill") tw $tw $tw8000"
    ip netns exec "$ns" sh -c "$renew"
    filled=$((($(date +%s%N) - start) / 1000000))

    echo
    echo "== N = $n:" >>"$tmp/growth"
    echo "== N = $n: namespace $ns, filled in $((filled / 1000)).$(printf '%03d' $((filled % 1000))) s (the held" \
        "sockets $((held / 1000)).$(printf '%03d' $((held % 1000))) s: $(cat "$tmp/ready-$n"); then $tw TIME_WAIT)"
    echo "$(census ip netns exec "$ns"); TIME-WAIT with port 8000: $(ip netns exec "$ns" ss -tanH state time-wait '( sport = :8000 or dport = :8000 )' | wc -l)"
    everywhere=$(awk '$1 ~ /^(TCP|TCPv6|tw_sock_TCP|tw_sock_TCPv6)$/ { s += $2 } END { print s + 0 }' /proc/slabinfo 2>/dev/null || echo "?")
    echo "TCP sockets in all namespaces (slab objects): $everywhere; tcp_ehash_entries in the namespace:" \
        "$(ip netns exec "$ns" cat /proc/sys/net/ipv4/tcp_ehash_entries) (negative: it walks the shared table)"
    echo "kernel memory before the fill: $memory_before; after: $(kernel_memory);" \
        "the namespace's $(ip netns exec "$ns" awk '$1 == "TCP:"' /proc/net/sockstat)"
    [ "$budget" -eq 0 ] || echo "row budget: $budget s of timed runs per comparison (--row-budget)"
    compare "$ns" "$renew" "$budget" | tee -a "$tmp/growth"

    if $exporter_row; then
        # Each server in the namespace, on its own loopback port; their own sockets are in both totals alike.
        ip netns exec "$ns" sh -c "$renew"
        ip netns exec "$ns" prometheus-node-exporter --collector.disable-defaults --collector.tcpstat \
            --web.listen-address=127.0.0.1:9100 --log.level=warn 2>"$tmp/node.err" &
        servers+=($!)
        ip netns exec "$ns" "$tmp/bin/sockdiag-exporter" --listen 127.0.0.1:9474 --top-ports 0 2>"$tmp/sd0.err" &
        servers+=($!)
        ip netns exec "$ns" "$tmp/bin/sockdiag-exporter" --listen 127.0.0.1:9475 --top-ports 10 2>"$tmp/sd10.err" &
        servers+=($!)
        for port in 9100 9474 9475; do
            for _ in $(seq 100); do
                ip netns exec "$ns" bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null && break
                sleep 0.05
            done
        done
        echo "sockdiag-exporter scrape vs prometheus-node-exporter $(prometheus-node-exporter --version 2>&1 | head -1 | awk '{print $3}') (--collector.disable-defaults --collector.tcpstat):"
        ip netns exec "$ns" python3 "$here/bench_scrape.py" --runs "$runs" \
            "node_exporter tcpstat=http://127.0.0.1:9100/metrics=${servers[0]}" \
            "sockdiag-exporter --top-ports 0 (state totals)=http://127.0.0.1:9474/metrics=${servers[1]}" \
            "sockdiag-exporter --top-ports 10 (+ TIME_WAIT ports, listeners)=http://127.0.0.1:9475/metrics=${servers[2]}" ||
            echo "bench-scale.sh: the exporter check failed (see above)" >&2
        stop_servers
    fi

    if $package_benchmark; then
        echo
        echo "package-benchmark suite in $ns (SOCKDIAG_BENCHMARK_METRICS=${SOCKDIAG_BENCHMARK_METRICS:-ci}):"
        ip netns exec "$ns" sh -c "$renew"
        (cd "$root/Benchmarks" && ip netns exec "$ns" swift package benchmark --target SockDiagBenchmarks \
            --no-progress 2>&1 | sed -n '/^decode\|^live/,/╛/p')
    fi
    teardown_and_report
    took=$((($(date +%s%N) - section_start) / 1000))
    echo "N = $n took $((took / 1000000)) s (fill, comparisons, cleanup)"
done
if [ ${#sizes[@]} -gt 1 ] && [ ${#rows[@]} -gt 0 ]; then
    echo
    python3 "$here/bench_growth.py" "$tmp/growth" || true # it says why when no command ran at two N
fi
