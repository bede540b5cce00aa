# shellcheck shell=bash
# Release builds for the benchmark and soak scripts. Source it from a bash script:
#
#   . "$(dirname "$0")/../lib/build.sh"
#   release_build [PRODUCT]   builds PRODUCT (without one: every product) in release mode with the Swift stdlib
#                             linked statically, its output on stderr, and prints the directory of the executables
#
# $sockdiag_root is the repository's root.

sockdiag_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

release_build() {
    local options=(-c release --static-swift-stdlib)
    echo "building ${1:-sockdiag} (swift build ${options[*]}${1:+ --product $1}) ..." >&2
    # `|| return`: called as $(release_build), errexit does not apply, and a failed build would hand over the
    # directory of the previous binaries.
    (cd "$sockdiag_root" && swift build "${options[@]}" ${1:+--product "$1"} >&2) || return
    (cd "$sockdiag_root" && swift build "${options[@]}" --show-bin-path)
}
