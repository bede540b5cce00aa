#!/usr/bin/env bash
# Builds the libFuzzer executables of FuzzTesting/ (with ASan) into .build-fuzz/ and runs them.
#
#   Scripts/fuzz.sh                      every target briefly, the exporter's too (FUZZ_SECONDS each, default 10)
#   Scripts/fuzz.sh TARGET [SECONDS]     one target (FuzzInetDiag, FuzzUnixDiag, FuzzNetlinkDiag, FuzzPacketDiag,
#                                        FuzzVsockXDPDiag, FuzzProcNet, FuzzFilter, FuzzCapture; or inet, unix, netlink,
#                                        packet, vsock-xdp, proc, filter, capture) for SECONDS (default 60)
#   Scripts/fuzz.sh TARGET -runs=N       … for N executions; any further arguments go to libFuzzer
#   Scripts/fuzz.sh exporter [SECONDS]   sockdiag-exporter's request handling, black-box, in a private namespace
#                                        (FuzzTesting/exporter_requests.py; root; default 60 s)
#   Scripts/fuzz.sh --regress            every FuzzTesting/FailCases/ input and every seed through every target
#   Scripts/fuzz.sh --build              build only
#
# A run keeps going after a crash (libFuzzer's -fork=1 -ignore_crashes=1), copies every crashing input into
# FuzzTesting/FailCases/TARGET/ and exits 1 if there was one. The corpus a target grows is kept in
# .build-fuzz/corpus/TARGET/ and reused; the seeds (from Tests/Fixtures and FuzzTesting/Seeds) are in
# .build-fuzz/seeds/TARGET/. SwiftPM's --sanitize=fuzzer does not link an executable target here, so the library
# is compiled by swiftc directly (one module per Swift target, -enable-testing so the drivers reach the parsers).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/.build-fuzz"
fuzz="$root/FuzzTesting"
targets=(FuzzInetDiag FuzzUnixDiag FuzzNetlinkDiag FuzzPacketDiag FuzzVsockXDPDiag FuzzProcNet FuzzFilter FuzzCapture)
# A Swift trap must reach libFuzzer's handler: the runtime's backtracer would read memory ASan reports instead.
export SWIFT_BACKTRACE=enable=no
# A hang is a failure too; a parser that needs more than 10 s or 4 GiB for one input is one.
common="-timeout=10 -rss_limit_mb=4096"

die() {
    echo "fuzz.sh: $*" >&2
    exit 2
}

target_name() {
    case "$1" in
    FuzzInetDiag | inet | inet-diag) echo FuzzInetDiag ;;
    FuzzUnixDiag | unix | unix-diag) echo FuzzUnixDiag ;;
    FuzzNetlinkDiag | netlink | netlink-diag) echo FuzzNetlinkDiag ;;
    FuzzPacketDiag | packet | packet-diag) echo FuzzPacketDiag ;;
    FuzzVsockXDPDiag | vsock-xdp | vsock | xdp) echo FuzzVsockXDPDiag ;;
    FuzzProcNet | proc | proc-net) echo FuzzProcNet ;;
    FuzzFilter | filter) echo FuzzFilter ;;
    FuzzCapture | capture) echo FuzzCapture ;;
    *) die "unknown target '$1' (${targets[*]})" ;;
    esac
}

# Whether anything in DIRS... is newer than STAMP (or STAMP is missing).
newer() {
    local stamp=$1
    shift
    [ ! -e "$stamp" ] || [ -n "$(find "$@" -newer "$stamp" -type f -print -quit)" ]
}

build() {
    local library_stamp="$out/library.stamp" drivers_stamp="$out/drivers.stamp"
    # FuzzFilter checks programs against the same model of the kernel's audit and run as the unit tests.
    local kernel_model="$root/Tests/SockDiagTests/Filter/KernelBytecodeModel.swift"
    if ! newer "$library_stamp" "$root/Sources/CSockDiag" "$root/Sources/SockDiag" "$root/Sources/SockDiagFormatting" &&
        ! newer "$drivers_stamp" "$fuzz/Sources" "$kernel_model" "$library_stamp"; then
        return 0
    fi
    command -v swiftc >/dev/null || die "swiftc not found (install the Swift toolchain)"
    local clang
    clang="$(dirname "$(readlink -f "$(command -v swiftc)")")/clang"
    [ -x "$clang" ] || die "no clang beside swiftc ($clang): the toolchain's clang has libFuzzer"
    local runtime
    runtime="$("$clang" -print-resource-dir)/lib/linux/libclang_rt.fuzzer-$(uname -m).a"
    [ -e "$runtime" ] || die "the toolchain has no libFuzzer ($runtime): use a swift.org toolchain"
    pkg-config --exists libmnl 2>/dev/null || die "libmnl-dev missing: run Scripts/setup.sh"
    mkdir -p "$out/obj" "$out/modules/CSockDiag" "$out/bin"
    echo "fuzz.sh: building the fuzz targets (ASan + libFuzzer) into $out ..." >&2
    # SwiftPM generates this module map for a C target with include/CSockDiag.h.
    printf 'module CSockDiag {\n    umbrella header "%s"\n    export *\n}\n' \
        "$root/Sources/CSockDiag/include/CSockDiag.h" >"$out/modules/CSockDiag/module.modulemap"
    local c
    for c in "$root"/Sources/CSockDiag/*.c; do
        "$clang" -O1 -g -fsanitize=fuzzer-no-link,address -D_GNU_SOURCE -I "$root/Sources/CSockDiag/include" \
            $(pkg-config --cflags libmnl) -c "$c" -o "$out/obj/CSockDiag-$(basename "$c" .c).o"
    done
    local swift_flags=(-O -gline-tables-only -sanitize=fuzzer,address -parse-as-library -package-name sockdiag
        -I "$out/modules" -I "$root/Sources/CMnl" -I "$out/modules/CSockDiag" -Xcc -I -Xcc "$root/Sources/CSockDiag/include"
        -suppress-warnings -swift-version 6 -use-ld=lld)
    module() { # NAME SOURCE-DIR: one object file and one .swiftmodule
        local sources=()
        mapfile -d '' sources < <(find "$2" -name '*.swift' -print0 | sort -z)
        swiftc "${swift_flags[@]}" -enable-testing -module-name "$1" -wmo -c "${sources[@]}" \
            -emit-module -emit-module-path "$out/modules/$1.swiftmodule" -o "$out/obj/$1.o"
    }
    if newer "$library_stamp" "$root/Sources/CSockDiag" "$root/Sources/SockDiag" "$root/Sources/SockDiagFormatting"; then
        module SockDiag "$root/Sources/SockDiag"
        module SockDiagFormatting "$root/Sources/SockDiagFormatting"
        touch "$library_stamp"
    fi
    local target sources
    for target in "${targets[@]}"; do
        mapfile -d '' sources < <(find "$fuzz/Sources/$target" "$fuzz/Sources/FuzzCommon" -name '*.swift' -print0 |
            sort -z)
        [ "$target" != FuzzFilter ] || sources+=("$kernel_model")
        swiftc "${swift_flags[@]}" -module-name "$target" "${sources[@]}" "$out/obj/"*.o \
            $(pkg-config --libs libmnl) -o "$out/bin/$target"
    done
    touch "$drivers_stamp"
}

# The seed corpus of each target: the fixtures with the option byte the driver reads first (FuzzCommon/
# FuzzInput.swift), and the committed seeds.
seeds() {
    local dir="$out/seeds"
    rm -rf "$dir"
    mkdir -p "$dir"/{FuzzInetDiag,FuzzUnixDiag,FuzzNetlinkDiag,FuzzPacketDiag,FuzzVsockXDPDiag,FuzzProcNet,FuzzFilter,FuzzCapture}
    seed() { # OPTION-BYTE FIXTURE TARGET
        { printf "\\x$1"; cat "$root/Tests/Fixtures/$2"; } >"$dir/$3/$(echo "$2" | tr / -)"
    }
    # inet: transport tcp 0, udp 1, raw 2; +4 bound-inactive requested.
    local f
    for f in tcp4-all.bin tcp6-all.bin ext-tcp4.bin ext-tcp6.bin; do seed 00 "$f" FuzzInetDiag; done
    seed 04 tcp4-bound-inactive.bin FuzzInetDiag
    for f in udp4-all.bin udp6-all.bin ext-udp4.bin; do seed 01 "$f" FuzzInetDiag; done
    cp "$root/Tests/Fixtures/unix-all.bin" "$dir/FuzzUnixDiag/"
    cp "$root/Tests/Fixtures/netlink-all.bin" "$dir/FuzzNetlinkDiag/"
    cp "$root/Tests/Fixtures/packet-all.bin" "$dir/FuzzPacketDiag/"
    # proc: transport tcp 0, udp 1, raw 2; +4 IPv6.
    seed 00 proc/tcp FuzzProcNet
    seed 04 proc/tcp6 FuzzProcNet
    seed 01 proc/udp FuzzProcNet
    seed 05 proc/udp6 FuzzProcNet
    cp "$fuzz"/Seeds/FuzzFilter/* "$dir/FuzzFilter/"
    # capture: ss's capture (-D), raw dumps (read as ss's), and sockdiag's own -D captures (FuzzTesting/Seeds).
    cp "$fuzz"/Seeds/FuzzCapture/* "$dir/FuzzCapture/"
    for f in ss-D-tcp.bin tcp4-all.bin unix-all.bin; do
        [ ! -e "$root/Tests/Fixtures/$f" ] || seed 0f "$f" FuzzCapture
    done
    # Built from the uapi headers (FuzzTesting/Seeds/FuzzVsockXDPDiag/: option byte 0 vsock, 1 XDP): no kernel here
    # has vsock_diag or xsk_diag to capture from.
    cp "$fuzz"/Seeds/FuzzVsockXDPDiag/* "$dir/FuzzVsockXDPDiag/"
}

fuzz_options() { # TARGET: the libFuzzer options of a fuzzing run (a replay reads each input whole)
    case "$1" in
    # Inputs of up to 4 KiB: deeper nesting than that is issue 12's stack overflow, which the regression covers.
    FuzzFilter) echo -dict="$fuzz/FuzzFilter.dict" -max_len=4096 ;;
    *) echo -max_len=65536 ;;
    esac
}

# TARGET LIBFUZZER-ARGS...: fuzzes, then files what crashed under FailCases/. A run for a time goes on after a
# crash (-fork=1: each crash ends a job, the next one resumes); a run for -runs=N stops at the first.
run() {
    local target=$1
    shift
    mkdir -p "$out/corpus/$target" "$out/artifacts/$target" "$fuzz/FailCases/$target"
    local mode=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    [[ " $* " != *" -runs="* ]] || mode=(-print_final_stats=1)
    local status=0
    # shellcheck disable=SC2046
    (cd "$out/artifacts/$target" && "$out/bin/$target" $common $(fuzz_options "$target") "${mode[@]}" \
        -artifact_prefix="$out/artifacts/$target/" "$@" "$out/corpus/$target" "$out/seeds/$target") || status=$?
    local found=0 artifact
    for artifact in "$out/artifacts/$target"/{crash,timeout,oom,leak}-*; do
        [ -e "$artifact" ] || continue
        mv "$artifact" "$fuzz/FailCases/$target/"
        echo "fuzz.sh: $target: new fail case FuzzTesting/FailCases/$target/$(basename "$artifact")" >&2
        found=1
    done
    [ $found -eq 0 ] || return 1
    return $status
}

# Replays every fail case and every seed through every target, once; names each input that crashes.
regress() {
    local target inputs=() failed=0
    mapfile -t inputs < <(find "$fuzz/FailCases" "$out/seeds" -type f ! -name '.*' ! -name '*.md' | sort)
    for target in "${targets[@]}"; do
        # shellcheck disable=SC2046
        if "$out/bin/$target" $common -runs=1 "${inputs[@]}" >"$out/regress-$target.log" 2>&1; then
            echo "fuzz.sh: regress $target: ${#inputs[@]} inputs, no crash" >&2
            continue
        fi
        local input
        for input in "${inputs[@]}"; do
            # shellcheck disable=SC2046
            if ! "$out/bin/$target" $common -runs=1 "$input" >"$out/regress-one.log" 2>&1; then
                echo "fuzz.sh: regress $target: crashes on ${input#"$root"/}:" >&2
                grep -m1 -E "ERROR: |Fatal error|SUMMARY" "$out/regress-one.log" >&2 || true
                failed=1
            fi
        done
    done
    return $failed
}

# The exporter's request handling, black-box: the real server (SwiftNIO's HTTP parser, the connection guard, the
# metrics handler) in a private namespace, fed mutated requests (FuzzTesting/exporter_requests.py; root).
exporter_requests() {
    local bin
    bin="$(cd "$root" && swift build --product sockdiag-exporter --show-bin-path)/sockdiag-exporter"
    (cd "$root" && swift build --product sockdiag-exporter >/dev/null) || return 1
    python3 "$fuzz/exporter_requests.py" "$bin" "$1"
}

case "${1:-}" in
--build)
    build
    ;;
--regress)
    build
    seeds
    regress
    ;;
-h | --help)
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
    ;;
"")
    build
    seeds
    status=0
    for target in "${targets[@]}"; do
        run "$target" -max_total_time="${FUZZ_SECONDS:-10}" || status=1
    done
    exporter_requests "${FUZZ_SECONDS:-10}" || status=1
    exit $status
    ;;
exporter)
    exporter_requests "${2:-60}"
    ;;
*)
    target=$(target_name "$1")
    shift
    limit=(-max_total_time=60)
    case "${1:-}" in
    "" | -*) ;;
    *[!0-9]*) die "expected SECONDS or -runs=N, not '$1'" ;;
    *)
        limit=(-max_total_time="$1")
        shift
        ;;
    esac
    # A run for -runs=N stops after N executions, not after the default minute.
    [[ " $* " != *" -runs="* ]] || limit=()
    build
    seeds
    run "$target" "${limit[@]}" "$@"
    ;;
esac
