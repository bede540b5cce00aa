# shellcheck shell=bash
# One private network namespace for a script, removed however the script ends. Source it from a bash script that
# runs as root with iproute2:
#
#   . "$(dirname "$0")/../lib/netns.sh"
#   netns_create PREFIX [SYSCTL=VALUE ...]  creates the namespace PREFIX-PID (its name in $netns), brings lo up and
#                                          sets each SYSCTL inside it (e.g. net.ipv4.tcp_tw_reuse=0)
#   netns_exec COMMAND [ARG ...]           runs COMMAND inside it (a process to start in the background is better
#                                          started with `ip netns exec "$netns" COMMAND &`: then $! is its PID)
#   netns_hold SECONDS [ARG ...] <<'PY'    starts the Python program on standard input inside it, in the background,
#                                          with the ARGs and one more: a file it writes once its sockets are up;
#                                          waits up to SECONDS (0: no limit) for that. Its sockets live until it
#                                          exits (netns_delete ends it); it can import listeners.py from here
#   netns_delete                           ends what still runs inside it, waits until it is empty, deletes it
#   on_exit COMMAND                        runs the shell command COMMAND when the script ends, before the namespace
#                                          is deleted (in the order they were added)
#   wait_for_file FILE SECONDS [PID]       waits until FILE is not empty; fails after SECONDS (0: no limit), or as
#                                          soon as process PID (the one that writes FILE) has exited
#
# Sourcing it sets the EXIT trap, and makes Ctrl-C and SIGTERM exit through it: whether the script succeeds or fails,
# the on_exit commands run and the namespace goes.

netns=""
netns_on_exit=()
netns_lib=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

netns_create() {
    local name="$1-$$" setting
    shift
    ip netns add "$name"
    netns=$name
    ip -n "$netns" link set lo up
    for setting in "$@"; do
        ip netns exec "$netns" sysctl -qw "$setting"
    done
}

netns_exec() {
    ip netns exec "$netns" "$@"
}

netns_hold() {
    local seconds=$1 ready
    shift
    ready=$(mktemp)
    on_exit "rm -f $(printf '%q' "$ready")"
    # An explicit <&0: a background command's standard input would otherwise be /dev/null, not the program.
    ip netns exec "$netns" env PYTHONPATH="$netns_lib" python3 -B - "$@" "$ready" <&0 &
    wait_for_file "$ready" "$seconds" $!
}

netns_delete() {
    [ -n "$netns" ] || return 0
    local pids _
    # Its processes are this script's own (holders, servers): SIGTERM, then up to 10 s for them to be gone, so that
    # their sockets have left the kernel's shared tables before the namespace is deleted.
    for _ in $(seq 100); do
        pids=$(ip netns pids "$netns" 2>/dev/null || true)
        [ -n "$pids" ] || break
        # shellcheck disable=SC2086 # one PID a word
        kill $pids 2>/dev/null || true
        sleep 0.1
    done
    ip netns del "$netns" 2>/dev/null || true
    netns=""
}

on_exit() {
    netns_on_exit+=("$1")
}

wait_for_file() {
    local file=$1 seconds=$2 pid=${3:-} waited=0
    until [ -s "$file" ]; do
        if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
            echo "$(basename "$0"): process $pid exited before it wrote $file" >&2
            return 1
        fi
        if [ "$seconds" -gt 0 ] && [ "$waited" -ge $((seconds * 20)) ]; then
            echo "$(basename "$0"): $file was not written within $seconds s" >&2
            return 1
        fi
        sleep 0.05
        waited=$((waited + 1))
    done
}

netns_exit() {
    local command
    # The script's background jobs end here: no "Terminated" notice for each.
    disown -a 2>/dev/null || true
    for command in ${netns_on_exit[@]+"${netns_on_exit[@]}"}; do
        eval "$command" || true
    done
    netns_delete
}
trap netns_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
