#!/usr/bin/env bash
# Quick release-mode check of the /proc backend: parse speed of a synthetic 100k-line /proc/net/tcp(6) (fixture lines
# repeated) and the number of malloc calls per decode, counted by a tiny LD_PRELOAD interposer. The same malloc
# count for 50k and 100k lines means no allocation per line.
# Usage: Scripts/bench/measure-proc-parse.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/count.c" <<'C'
#include <stddef.h>
#include <errno.h>
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
static unsigned long count;
unsigned long sockdiag_malloc_count(void) { return __atomic_load_n(&count, __ATOMIC_RELAXED); }
static void bump(void) { __atomic_fetch_add(&count, 1, __ATOMIC_RELAXED); }
void *malloc(size_t n) { bump(); return __libc_malloc(n); }
void *calloc(size_t m, size_t n) { bump(); return __libc_calloc(m, n); }
void *realloc(void *p, size_t n) { bump(); return __libc_realloc(p, n); }
void *memalign(size_t a, size_t n) { bump(); return __libc_memalign(a, n); }
void *aligned_alloc(size_t a, size_t n) { bump(); return __libc_memalign(a, n); }
int posix_memalign(void **out, size_t a, size_t n) {
    bump();
    void *p = __libc_memalign(a, n);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}
C
cc -O2 -shared -fPIC -o "$work/libcount.so" "$work/count.c"
cd "$here/../.."
swift build -c release --build-tests -Xswiftc -enable-testing >/dev/null
SOCKDIAG_MEASURE_PROC=1 LD_PRELOAD="$work/libcount.so" \
    swift test -c release -Xswiftc -enable-testing --skip-build --filter ProcParseMeasurement 2>&1 \
    | grep -E '^proc-|✘|passed|failed'
