#!/usr/bin/env bash
# Runs the unit tests and the integration tests (root: they create their own network namespaces) under
# AddressSanitizer and/or ThreadSanitizer, each in a scratch path of its own (.build-asan, .build-tsan), so that the
# ordinary .build stays as it is. The executables the integration tests run (sockdiag, sockdiag-exporter,
# timewait-agent) are built with the same sanitizer; every process writes its reports to a log directory (the
# tests capture their children's stderr, which would hide them), and the run fails when any report was written.
#
# Usage: Scripts/dev/sanitize.sh [address|thread|all] [SWIFT TEST OPTIONS ...]   (default: all)
#   e.g. Scripts/dev/sanitize.sh thread --filter SockDiagTests
#
# ThreadSanitizer runs with Scripts/dev/tsan.supp (see there: Synchronization.Mutex, which TSan on Linux misreports).
# Set SANITIZE_LOGS=DIR to keep the reports somewhere else than a new /tmp/sockdiag-sanitize.XXXXXX.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
which=${1:-all}
shift || true
case "$which" in
    address | thread) sanitizers=("$which") ;;
    all) sanitizers=(address thread) ;;
    *) echo "sanitize.sh: expected address, thread or all, not '$which'" >&2; exit 2 ;;
esac
logs=${SANITIZE_LOGS:-$(mktemp -d /tmp/sockdiag-sanitize.XXXXXX)}
mkdir -p "$logs"
[ "$(id -u)" -eq 0 ] || echo "sanitize.sh: not root: the integration tests will be skipped" >&2

run() {
    local sanitizer=$1 scratch start status reports
    shift
    case "$sanitizer" in
        address) scratch=.build-asan ;;
        thread) scratch=.build-tsan ;;
    esac
    rm -f "$logs/$sanitizer".*
    start=$(date +%s)
    echo "== $sanitizer: swift test --sanitize=$sanitizer --scratch-path $scratch $*" >&2
    # Reports go to $logs/SANITIZER.PID, from the test runner and from every executable the tests start.
    # ASan: detect_leaks=0, because the Swift runtime's metadata caches and the test runner's never-freed globals
    # make LeakSanitizer noisy; the fd and RSS soaks (Scripts/soak) are what show that nothing accumulates.
    # SOCKDIAG_SANITIZER tells the tests which sanitizer the executables carry (WithoutProc cannot run with one).
    SOCKDIAG_SANITIZER=$sanitizer ASAN_OPTIONS="log_path=$logs/address:detect_leaks=0:abort_on_error=0:${ASAN_OPTIONS:-}" \
        TSAN_OPTIONS="log_path=$logs/thread:suppressions=$root/Scripts/dev/tsan.supp:${TSAN_OPTIONS:-}" \
        swift test --sanitize="$sanitizer" --scratch-path "$scratch" "$@" 2>&1 |
        tee "$logs/$sanitizer-test.log" | grep -E "error:|✘|Test run with|Executed .* tests" | awk '!seen[$0]++' >&2
    status=${PIPESTATUS[0]}
    reports=$(find "$logs" -maxdepth 1 -name "$sanitizer.*" -size +0 | sort)
    echo "== $sanitizer: swift test exited $status after $(($(date +%s) - start)) s;" \
        "$(echo -n "$reports" | grep -c .) report files in $logs" >&2
    if [ -n "$reports" ]; then
        # shellcheck disable=SC2086 # one path a word
        grep -hE "^(SUMMARY|WARNING): |^ERROR: " $reports | sort | uniq -c >&2
        return 1
    fi
    return "$status"
}

failed=0
for sanitizer in "${sanitizers[@]}"; do
    run "$sanitizer" "$@" || failed=1
done
echo "logs: $logs" >&2
exit "$failed"
