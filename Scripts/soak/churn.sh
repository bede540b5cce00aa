#!/usr/bin/env bash
# Churn: does every long-lived socket appear exactly once in every dump while thousands of connections a second
# open and close around it? In a private network namespace, bench-fill holds CONNECTIONS established loopback
# connections (to listeners on 127.0.0.1:9000, 9001, ...) and churns RATE connections a second to 127.0.0.1:8000
# (reset on close: no TIME_WAIT); meanwhile `sockdiag -tanH -v` (the library's dump; -v adds its repeat detector),
# optionally `sockdiag --json`, `ss -tanH` and the exporter's /metrics, run one after the other for SECONDS. Every
# dump's long-lived sockets are matched by 4-tuple against the list taken before the churn started: each must
# appear exactly once (duplicates, missing and unknown ones are counted). Stops by itself; exits 1 when any
# dump of sockdiag was wrong or a scrape failed (ss's figures are reported, not judged).
#
# Usage: Scripts/soak/churn.sh [OPTIONS]   (root; builds sockdiag and sockdiag-exporter in release mode unless
#                                           SOCKDIAG_BIN=DIR names a directory holding them)
#   --connections N    about N long-lived established connections (default 20000: 2N sockets, and a listener for
#                      each of bench-fill's workers)
#   --rate R           connections opened and closed a second around them (default 3000)
#   --seconds S        how long to churn and dump (default 20)
#   --json             also dump with `sockdiag --json`
#   --ss               also dump with `ss -tanH`, for comparison
#   --no-exporter      do not scrape the exporter
#   --ehash-entries E  give the namespace a TCP established hash table of its own with E buckets (it is created
#                      from a parent namespace with net.ipv4.tcp_child_ehash_entries=E; the machine's own setting
#                      does not change); small values (128) make the kernel repeat and skip sockets
#
# With default hash tables expect 0 duplicates and 0 missing in every dump. With `--ehash-entries 128 --ss`, both
# sockdiag and ss repeat and skip long-lived sockets in some dumps (the kernel resumes a dump at a bucket and an
# index inside it, and the churn shifts the index; inet_diag never sets NLM_F_DUMP_INTR), and sockdiag -v says how
# many sockets it saw twice; that run exits 1 only when -v reported fewer repeats than there were duplicates.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
connections=20000 rate=3000 seconds=20 json=0 ss=0 exporter=1 ehash=""
usage() { echo "churn.sh: $1 (see the header of $0)" >&2; exit 2; }
number() { case "$2" in '' | *[!0-9]*) usage "$1 needs a number, not '$2'" ;; esac; }
while [ $# -gt 0 ]; do
    case "$1" in
        --connections) number "$1" "${2:-}"; connections=$2; shift 2 ;;
        --rate) number "$1" "${2:-}"; rate=$2; shift 2 ;;
        --seconds) number "$1" "${2:-}"; seconds=$2; shift 2 ;;
        --ehash-entries) number "$1" "${2:-}"; ehash=$2; shift 2 ;;
        --json) json=1; shift ;;
        --ss) ss=1; shift ;;
        --no-exporter) exporter=0; shift ;;
        *) usage "unknown option '$1'" ;;
    esac
done
[ "$connections" -ge 1 ] && [ "$rate" -ge 1 ] && [ "$seconds" -ge 1 ] || usage "counts must be at least 1"
[ "$(id -u)" -eq 0 ] || { echo "churn.sh: needs root (ip netns)" >&2; exit 2; }
. "$here/../lib/build.sh"
. "$here/../lib/netns.sh"
bin=${SOCKDIAG_BIN:-}
[ -n "$bin" ] || bin=$(release_build)
for product in sockdiag sockdiag-exporter; do
    [ -x "$bin/$product" ] || { echo "churn.sh: no $bin/$product" >&2; exit 2; }
done

tmp=$(mktemp -d /tmp/churn.XXXXXX)
on_exit 'rm -rf "$tmp"'
gcc -O2 -Wall -Wextra -o "$tmp/bench-fill" "$here/../bench/bench-fill.c"

# Ports 10000-65535 for the clients (bench-fill's listeners are on 9000-9999, the churn's on 8000).
settings=("net.ipv4.ip_local_port_range=10000 65535")
if [ -n "$ehash" ]; then
    # The kernel sizes a new namespace's table from tcp_child_ehash_entries of the namespace that creates it: a
    # parent namespace gets the setting, this one is created from inside it, and the parent goes. The machine's own
    # setting is never touched (other namespaces created meanwhile keep the shared table).
    netns_create sockdiag-churn-parent "net.ipv4.tcp_child_ehash_entries=$ehash"
    parent=$netns
    touch "/var/run/netns/sockdiag-churn-$$"
    if ! nsenter --net="/var/run/netns/$parent" unshare --net="/var/run/netns/sockdiag-churn-$$" true; then
        rm -f "/var/run/netns/sockdiag-churn-$$"
        exit 1
    fi
    netns_delete
    netns=sockdiag-churn-$$
    ip -n "$netns" link set lo up
    netns_exec sysctl -qw "${settings[@]}"
else
    netns_create sockdiag-churn "${settings[@]}"
fi
echo "namespace $netns: TCP established hash table $(netns_exec sysctl -n net.ipv4.tcp_ehash_entries)" \
    "buckets (negative: the machine's shared table)"

# The long-lived population: bench-fill counts sockets, each connection is two, each worker has one listener.
ip netns exec "$netns" "$tmp/bench-fill" hold $((2 * connections + 1 + connections / 9000)) "$tmp/ready" &
wait_for_file "$tmp/ready" 600 $!
echo "long-lived: $(cat "$tmp/ready")"

if [ "$exporter" -eq 1 ]; then
    ip netns exec "$netns" "$bin/sockdiag-exporter" --listen 127.0.0.1:9474 2>"$tmp/exporter.err" &
    exporter_pid=$!
    wait_for_file "$tmp/exporter.err" 30 "$exporter_pid"
fi

netns_exec python3 - "$tmp" "$bin" "$rate" "$seconds" "$json" "$ss" "$exporter" "${ehash:-0}" <<'PY'
import collections, json, re, subprocess, sys, time, urllib.request
tmp, bin, rate, seconds, use_json, use_ss, use_exporter, small_table = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
pairs, listeners = map(int, re.match(r"(\d+) pairs, (\d+) listeners", open(f"{tmp}/ready").read()).groups())
ports = {str(9000 + i) for i in range(listeners)}
repeats_line = re.compile(r"(\d+) sockets? (?:was|were) reported twice")

def table_keys(text):
    """The 4-tuples of the long-lived sockets in `-tanH` rows ([Netid] State Recv-Q Send-Q Local Peer: sockdiag
    always prints the Netid column, ss not for one protocol)."""
    for line in text.splitlines():
        local, peer = line.split()[-2:]
        lport, pport = local.rpartition(":")[2], peer.rpartition(":")[2]
        if lport in ports or pport in ports:
            yield (local.rpartition(":")[0], lport, peer.rpartition(":")[0], "0" if pport == "*" else pport)

def json_keys(text):
    for row in json.loads(text):
        l, p = row["local"], row["peer"]
        if str(l["port"]) in ports or str(p["port"]) in ports:
            yield (l["address"], str(l["port"]), p["address"], str(p["port"]))

dumpers = {"sockdiag -tanH -v": ([f"{bin}/sockdiag", "-tanH", "-v"], table_keys)}
if use_json:
    dumpers["sockdiag -tan --json"] = ([f"{bin}/sockdiag", "-tan", "--json"], json_keys)
if use_ss:
    dumpers["ss -tanH"] = (["ss", "-tanH"], table_keys)

# The list every dump is held to, taken before the churn starts, and checked against what bench-fill made.
reference = collections.Counter(table_keys(subprocess.run(["ss", "-tanH"], capture_output=True, text=True,
                                                          check=True).stdout))
if len(reference) != 2 * pairs + listeners or max(reference.values()) != 1:
    sys.exit(f"churn.sh: before the churn ss lists {sum(reference.values())} long-lived sockets "
             f"({len(reference)} distinct), bench-fill made {2 * pairs + listeners}")
expected = set(reference)

churner = subprocess.Popen([f"{tmp}/bench-fill", "churn", str(rate), str(seconds + 2), f"{tmp}/churned"])
time.sleep(1)  # let the churn reach its rate
stats = {name: collections.Counter() for name in dumpers}
scrapes = collections.Counter()
deadline = time.monotonic() + seconds
while time.monotonic() < deadline:
    for name, (command, keys) in dumpers.items():
        start = time.perf_counter()
        run = subprocess.run(command, capture_output=True, text=True, timeout=60)
        s = stats[name]
        s["seconds"] += time.perf_counter() - start
        s["dumps"] += 1
        if run.returncode != 0:
            s["failed"] += 1
            print(f"{name}: exit {run.returncode}: {run.stderr.strip()}", file=sys.stderr)
            continue
        seen = collections.Counter(keys(run.stdout))
        duplicates = sum(n - 1 for n in seen.values() if n > 1)
        missing = len(expected - seen.keys())
        unknown = len(seen.keys() - expected)
        detected = sum(int(m.group(1)) for m in repeats_line.finditer(run.stderr))
        s["duplicates"] += duplicates
        s["missing"] += missing
        s["unknown"] += unknown
        s["detected"] += detected
        s["wrong dumps"] += bool(duplicates or missing or unknown)
        if duplicates and "-v" in command and detected < duplicates:
            s["undetected"] += 1
    if use_exporter:
        try:
            with urllib.request.urlopen("http://127.0.0.1:9474/metrics", timeout=30) as response:
                response.read()
                scrapes["ok" if response.status == 200 else "failed"] += 1
        except Exception as error:
            print(f"scrape failed: {error}", file=sys.stderr)
            scrapes["failed"] += 1
churner.wait(timeout=seconds + 30)
made, elapsed = open(f"{tmp}/churned").read().split()
print(f"churn: {made} connections in {float(elapsed):.1f} s ({int(made) / float(elapsed):.0f}/s, asked {rate}/s) "
      f"around {len(expected)} long-lived sockets ({pairs} connections, {listeners} listeners)")
bad = 0
for name, s in stats.items():
    print(f"{name}: {s['dumps']} dumps ({s['seconds'] / max(s['dumps'], 1) * 1000:.0f} ms each), "
          f"{s['wrong dumps']} wrong: {s['duplicates']} duplicates, {s['missing']} missing, {s['unknown']} unknown, "
          f"{s['failed']} failed" + (f"; the repeat detector reported {s['detected']} sockets twice"
                                       f" ({s['undetected']} dumps with duplicates it missed)" if "-v" in name else ""))
    if name.startswith("sockdiag"):
        # With a small table wrong dumps are the kernel's doing; what must hold is that -v saw every repeat.
        bad += (0 if small_table else s["wrong dumps"]) + s["failed"] + s["undetected"]
if use_exporter:
    print(f"exporter: {scrapes['ok'] + scrapes['failed']} scrapes, {scrapes['failed']} failed")
    bad += scrapes["failed"]
sys.exit(1 if bad else 0)
PY
