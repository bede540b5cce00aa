#!/usr/bin/env bash
# Runs the example agent (Examples/TimeWaitAgent) for many samples at a short interval and prints its resident
# memory (VmRSS) and open descriptors after 100, 1000 and every further power of ten of samples: flat figures
# mean nothing accumulates per sample.
#
# Usage: Scripts/soak/agent-soak.sh [SAMPLES]   (default 10000; 1 ms interval; release build)
set -euo pipefail
. "$(dirname "$0")/../lib/build.sh"
samples=${1:-10000}
case "$samples" in '' | *[!0-9]*) echo "agent-soak.sh: SAMPLES must be a number" >&2; exit 2 ;; esac
agent="$(release_build timewait-agent)/timewait-agent"
fifo=$(mktemp -u /tmp/agent-soak.XXXXXX)
mkfifo "$fifo"
trap 'rm -f "$fifo"; [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true' EXIT
# No --count: the agent is still alive when the last figure is taken, and is ended here by its PID.
"$agent" --interval 0.001 >"$fifo" &
pid=$!
printf '%-8s %10s %6s\n' samples "VmRSS kB" fds
n=0
next=100
while IFS= read -r _; do
    n=$((n + 1))
    if [ "$n" -eq "$next" ] || [ "$n" -eq "$samples" ]; then
        rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo "?")
        fds=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l || true)
        printf '%-8s %10s %6s\n' "$n" "$rss" "$fds"
        [ "$n" -eq "$next" ] && next=$((next * 10))
    fi
    [ "$n" -lt "$samples" ] || break
done <"$fifo"
kill "$pid"
wait "$pid" 2>/dev/null || true
pid=""
