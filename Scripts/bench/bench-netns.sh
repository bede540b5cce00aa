#!/usr/bin/env bash
# sockdiag --all-netns at scale: K network namespaces of N TCP sockets each, against one namespace holding the
# same K*N sockets, and `sockdiag --all-netns -tan` against `sockdiag -tan` in the big namespace, interleaved,
# >= 7 runs each (medians of wall time, CPU and peak RSS, with ratios, by Scripts/bench/bench_compare.py).
#
# Usage: Scripts/bench/bench-netns.sh [--runs R] [--namespaces K] [--per N] [--child-ehash E] [--only REGEX]
#        (root; default K=50, N=1000)
#
#   --runs R          timed runs per command (default 7, at least 7).
#   --namespaces K    small namespaces (default 50).
#   --per N           TCP sockets in each small namespace (default 1000; the big one holds K*N).
#   --only REGEX      run only the comparisons whose first name matches REGEX (grep -E).
#   --child-ehash E   create the namespaces with their own TCP established hash table of E buckets
#                     (net.ipv4.tcp_child_ehash_entries, kernel 6.1+; set for the creation only, then restored).
#
# By default the kernel's TCP established hash table is shared by every namespace, and all K+1 namespaces are
# filled at once, so both commands walk the same table (2*K*N sockets): every namespace's dump visits every socket
# of the machine to find its own, the one-namespace dump once, the --all-netns run K+1 times. With --child-ehash
# each namespace's dump walks only its own table. Both commands run in
# a private mount and PID namespace (unshare) whose /var/run/netns holds only the K small namespaces and whose
# /proc shows no other process, so --all-netns sees exactly those K namespaces plus its own (the host's, holding
# next to nothing), not the big one nor whatever else runs on the machine; the big one is entered with nsenter.
#
# Binaries: SOCKDIAG=/path/sockdiag uses a prebuilt one; otherwise it is built in release mode with the Swift
# stdlib linked statically.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

runs=7
child_ehash=""
namespaces=50
per=1000
only=""
while [ $# -gt 0 ]; do
    case "$1" in
        --runs | --namespaces | --per | --only | --child-ehash)
            [ $# -ge 2 ] || { echo "bench-netns.sh: $1 needs a value" >&2; exit 2; }
            case "$1" in
                --runs) runs=$2 ;;
                --namespaces) namespaces=$2 ;;
                --per) per=$2 ;;
                --only) only=$2 ;;
                --child-ehash) child_ehash=$2 ;;
            esac
            shift
            ;;
        -h | --help) usage; exit 0 ;;
        *) echo "bench-netns.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
    shift
done
for value in "$runs" "$namespaces" "$per" ${child_ehash:+"$child_ehash"}; do
    case "$value" in '' | *[!0-9]*) echo "bench-netns.sh: --runs, --namespaces and --per take numbers" >&2; exit 2 ;; esac
done
[ "$runs" -ge 7 ] || { echo "bench-netns.sh: --runs must be at least 7" >&2; exit 2; }
[ "$namespaces" -ge 1 ] || { echo "bench-netns.sh: --namespaces must be at least 1" >&2; exit 2; }
[ "$per" -ge 100 ] || { echo "bench-netns.sh: --per must be at least 100" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "bench-netns.sh: needs root (namespaces, mounts)" >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/build.sh"
for tool in python3 gcc unshare nsenter /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench-netns.sh: $tool is missing" >&2; exit 1; }
done

tmp=$(mktemp -d /tmp/bench-netns.XXXXXX)
holders=()
mounts=()
created_run_netns=false
saved_child_ehash=""
restore_child_ehash() {
    if [ -n "$saved_child_ehash" ]; then
        sysctl -qw net.ipv4.tcp_child_ehash_entries="$saved_child_ehash" || true
        saved_child_ehash=""
    fi
}
cleanup() {
    restore_child_ehash
    for pid in ${holders[@]+"${holders[@]}"}; do kill "$pid" 2>/dev/null || true; done
    for pid in ${holders[@]+"${holders[@]}"}; do wait "$pid" 2>/dev/null || true; done
    # The holders' workers die with them (PR_SET_PDEATHSIG); give the kernel a moment to free their sockets.
    sleep 0.5
    for file in ${mounts[@]+"${mounts[@]}"}; do umount "$file" 2>/dev/null || true; done
    if $created_run_netns; then rmdir /var/run/netns 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bin=${SOCKDIAG:-}
[ -n "$bin" ] || bin="$(release_build sockdiag)/sockdiag"
[ -x "$bin" ] || { echo "bench-netns.sh: no sockdiag at $bin" >&2; exit 1; }
mkdir "$tmp/bin"
cp "$bin" "$tmp/bin/sockdiag"
bin="$tmp/bin/sockdiag"
help=$("$bin" --help 2>&1 || true)
grep -q -- --all-netns <<<"$help" || { echo "bench-netns.sh: this sockdiag has no --all-netns" >&2; exit 1; }
gcc -O2 -Wall -Wextra -o "$tmp/bench-fill" "$here/bench-fill.c"
if [ ! -d /var/run/netns ]; then
    mkdir -p /var/run/netns
    created_run_netns=true
fi

# A persistent namespace bound to FILE, filled with COUNT sockets by a holder process inside it.
fill() {
    local file=$1 count=$2 ready=$3
    touch "$file"
    unshare --net="$file" true
    mounts+=("$file")
    nsenter --net="$file" sh -c "ip link set lo up && sysctl -qw net.ipv4.ip_local_port_range='10000 65000' \
        && exec $(printf '%q' "$tmp/bench-fill") hold $count $(printf '%q' "$ready")" &
    holders+=($!)
}

mkdir "$tmp/names"
if [ -n "$child_ehash" ]; then
    saved_child_ehash=$(cat /proc/sys/net/ipv4/tcp_child_ehash_entries)
    sysctl -qw net.ipv4.tcp_child_ehash_entries="$child_ehash"
fi
start=$(date +%s%N)
fill "$tmp/big" $((namespaces * per)) "$tmp/ready-big"
for i in $(seq 1 "$namespaces"); do
    fill "$tmp/names/small-$i" "$per" "$tmp/ready-$i"
done
for ready in "$tmp/ready-big" $(seq -f "$tmp/ready-%g" 1 "$namespaces"); do
    until [ -s "$ready" ]; do
        for pid in "${holders[@]}"; do
            kill -0 "$pid" 2>/dev/null || { echo "bench-netns.sh: a filler failed" >&2; exit 1; }
        done
        sleep 0.05
    done
done
filled=$((($(date +%s%N) - start) / 1000000))
restore_child_ehash
if [ -n "$child_ehash" ]; then
    table="each namespace has its own TCP hash table of $(nsenter --net="$tmp/big" cat /proc/sys/net/ipv4/tcp_ehash_entries) buckets (tcp_child_ehash_entries)"
else
    table="one TCP hash table of $(cat /proc/sys/net/ipv4/tcp_ehash_entries) buckets shared by all of them"
fi

# Both commands: a private mount and PID namespace whose /var/run/netns is the directory of small namespaces.
private() {
    printf "unshare --mount --propagation private --pid --fork --mount-proc sh -c 'mount --rbind %s /var/run/netns && exec %s'" \
        "$tmp/names" "$*"
}
big="nsenter --net=$tmp/big"
rows=(
    "sockdiag --all-netns -tan ($namespaces x $per)" "$(private "$bin" --all-netns -tan)"
    "sockdiag -tan (one namespace of $((namespaces * per)))" "$big $(private "$bin" -tan)"
    "sockdiag --all-netns -tan --state listening" "$(private "$bin" --all-netns -tan --state listening)"
    "sockdiag -tan --state listening (one namespace)" "$big $(private "$bin" -tan --state listening)"
    "sockdiag --all-netns --json -tan" "$(private "$bin" --all-netns --json -tan)"
    "sockdiag --json -tan (one namespace)" "$big $(private "$bin" --json -tan)"
)
if [ -n "$only" ]; then
    kept=()
    set -- "${rows[@]}"
    while [ $# -gt 0 ]; do
        if grep -qE -- "$only" <<<"$1"; then kept+=("$1" "$2" "$3" "$4"); fi
        shift 4
    done
    [ ${#kept[@]} -gt 0 ] || { echo "bench-netns.sh: --only '$only' matches no comparison" >&2; exit 2; }
    rows=("${kept[@]}")
fi

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "kernel $(uname -r); CPU ${cpu:-unknown} x $(nproc); $("$bin" --version); runs: $runs per command"
echo "filled $namespaces namespaces of $per TCP sockets and one of $((namespaces * per)) in $((filled / 1000)).$(printf '%03d' $((filled % 1000))) s;" \
    "$table"
lines=$(eval "$(private "$bin" --all-netns -tanH)" | wc -l)
big_lines=$(eval "$big $(private "$bin" -tanH)" | wc -l)
echo "rows: --all-netns $lines, the big namespace $big_lines"
python3 "$here/bench_compare.py" --runs "$runs" --stdout "$tmp/stdout" "${rows[@]}"
