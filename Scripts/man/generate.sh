#!/usr/bin/env bash
# The man pages in Documentation/man: swift-argument-parser's generate-manual run on the built binaries (their
# --help, so the options cannot drift), finished by finish_page.py with the sections written by hand in
# Documentation/man/sections (ENVIRONMENT, FILES, EXIT STATUS, EXAMPLES, SEE ALSO). One page per command:
# sockdiag, sockdiag-list, sockdiag-bind-check, sockdiag-free and sockdiag-exporter (which is also `sockdiag
# exporter`). Run it after changing an option or a help text, and commit the pages.
#
# Usage: Scripts/man/generate.sh [--check] [--binaries DIR]
#
#   --check          write nothing: fail (status 1, with the diff) when a page differs from what it would write
#   --binaries DIR   sockdiag and sockdiag-exporter from DIR (default: swift build's debug binaries, built here)
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
root=$(cd "$(dirname "$0")/../.." && pwd)
check=false
binaries=""
while [ $# -gt 0 ]; do
    case "$1" in
        --check) check=true ;;
        --binaries)
            [ $# -ge 2 ] || { echo "generate.sh: --binaries needs a directory" >&2; exit 2; }
            binaries=$2
            shift
            ;;
        -h | --help) usage; exit 0 ;;
        *) echo "generate.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
    shift
done

cd "$root"
if [ -z "$binaries" ]; then
    swift build --product sockdiag >&2
    swift build --product sockdiag-exporter >&2
    binaries=$(swift build --show-bin-path)
fi
swift build --product generate-manual >&2
tool=$(swift build --show-bin-path)/generate-manual

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
authors="the sockdiag authors"
# The date of the newest hand-written section, so that the pages change only with what they say.
date=$(git log -1 --format=%cs -- Documentation/man/sections 2>/dev/null || true)
[ -n "$date" ] || date=$(date -u +%F)
mkdir "$work/sockdiag" "$work/exporter"
"$tool" "$binaries/sockdiag" --multi-page --date "$date" --authors "$authors" -o "$work/sockdiag" >/dev/null
"$tool" "$binaries/sockdiag-exporter" --date "$date" --authors "$authors" -o "$work/exporter" >/dev/null
mkdir "$work/pages"
finish() { python3 "$root/Scripts/man/finish_page.py" "$1" "$2" "Documentation/man/sections/$2.mdoc" >"$work/pages/$2.1"; }
finish "$work/sockdiag/sockdiag.1" sockdiag
for command in list bind-check free; do
    finish "$work/sockdiag/sockdiag.$command.1" "sockdiag-$command"
done
finish "$work/exporter/sockdiag exporter.1" sockdiag-exporter

if $check; then
    if ! diff -ru -I '^\.Dd ' Documentation/man "$work/pages" -x sections; then
        echo "generate.sh: Documentation/man is stale: run Scripts/man/generate.sh and commit the pages" >&2
        exit 1
    fi
    echo "generate.sh: the man pages match the binaries' help" >&2
else
    cp "$work/pages"/*.1 Documentation/man/
    echo "generate.sh: wrote $(cd "$work/pages" && echo *.1) in Documentation/man" >&2
fi
