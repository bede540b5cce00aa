import ArgumentParser
import SockDiag

/// `sockdiag [list]`: list sockets from the kernel's tables, with ss's options and output (the default subcommand).
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List TCP and UDP sockets from the kernel's socket tables (NETLINK_SOCK_DIAG), like ss.",
        discussion: """
            Without -t/-u both TCP and UDP are shown; without -4/-6 both families. Without -a, -l or --state, \
            what ss shows by default: every state but LISTEN, TIME-WAIT, SYN-RECV and UNCONN/CLOSE.
            Addresses and ports are numeric unless -r. `sockdiag list` is what sockdiag does without a subcommand.

            Why does bind() fail? sockdiag bind-check [ADDRESS:]PORT (see sockdiag bind-check --help).
            Prometheus metrics: sockdiag exporter [--listen ADDRESS:PORT] (see sockdiag exporter --help).

            Examples:
              sockdiag --state time-wait --port 8000
              sockdiag -tan
              sockdiag -tl --json
              sockdiag -K --dry-run --state time-wait --port 8000
            """
    )

    @OptionGroup var selection: SocketSelection

    @OptionGroup var capture: CaptureOptions

    @OptionGroup var display: DisplayOptions

    @OptionGroup var eventOptions: EventOptions

    @OptionGroup var families: FamilySelection

    @Flag(
        name: [.customShort("n"), .long],
        help: "Numeric addresses and ports (always the case; accepted for ss habits)."
    )
    var numeric = false

    @Flag(name: [.customShort("H"), .customLong("no-header")], help: "Do not print the header line.")
    var noHeader = false

    @Flag(name: .long, help: "Print one JSON array of sockets instead of the table (schema in README.md).")
    var json = false

    @Flag(
        name: [.customShort("s"), .long],
        help: "Print totals by protocol, family and state (like ss -s) from one dump plus /proc/net/sockstat."
    )
    var summary = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Where to read sockets: netlink (sock_diag, the default) or proc (/proc/net/{tcp,udp}{,6}).",
            discussion: "Without sock_diag in the kernel, sockdiag falls back to proc by itself and says so.",
            valueName: "backend"
        )
    )
    var backend: Backend = .netlink

    @Flag(
        name: [.customShort("p"), .long],
        help: "Show the processes that hold each socket open, as ss -p (other users' processes need root)."
    )
    var processes = false

    @Option(
        name: [.customShort("N"), .customLong("net")],
        help: ArgumentHelp(
            "Switch to the named network namespace first (/var/run/netns/NAME), as ss -N.",
            valueName: "name"
        ),
        completion: .networkNamespaces
    )
    var namespace: String?

    @Flag(
        name: .customLong("all-netns"),
        help:
            "Every network namespace (/var/run/netns/* and /proc/*/ns/net), rows labelled with it; root to enter others."
    )
    var allNamespaces = false

    @Flag(
        name: [.customShort("K"), .customLong("kill")],
        help: "Close the selected sockets (SOCK_DESTROY, as ss -K; needs CAP_NET_ADMIN) and list those closed."
    )
    var kill = false

    @Flag(name: .customLong("dry-run"), help: "With -K: list what would be closed, and close nothing.")
    var dryRun = false

    @Flag(
        name: .customLong("kill-all"),
        help: "With -K: close even when no state, port, address or filter narrows the selection (every connection)."
    )
    var killAll = false

    @Flag(name: .customShort("V"), help: "Print the version and exit.")
    var printVersion = false

    @Flag(
        name: [.customShort("v"), .customLong("verbose")],
        help: "Say on stderr where the filter ran, what the dump cost and whether the kernel sent a socket twice."
    )
    var verbose = false

    @Flag(name: [.customShort("o"), .customLong("options")], help: "Show timers: timer:(kind,expiry,retransmits).")
    var options = false

    @Flag(
        name: [.customShort("e"), .customLong("extended")],
        help: "Show uid, inode, socket cookie (sk:), mark, cgroup, v6only and shutdown state; implies -o."
    )
    var extended = false

    @Flag(name: [.customShort("m"), .customLong("memory")], help: "Show socket memory: skmem:(r,rb,t,tb,f,w,o,bl,d).")
    var memory = false

    @Flag(
        name: [.customShort("i"), .customLong("info")],
        help: "Show TCP internals (tcp_info) and the congestion control algorithm on a second line."
    )
    var info = false

    /// The parsed options as plain values.
    var invocation: Invocation {
        var invocation = Invocation(
            selection: selection.plain,
            numeric: numeric,
            noHeader: noHeader,
            json: json,
            summary: summary,
            backend: backend,
            printVersion: printVersion,
            verbose: verbose,
            options: options,
            extended: extended,
            memory: memory,
            info: info,
            processes: processes,
            namespace: namespace,
            allNamespaces: allNamespaces,
            kill: kill,
            dryRun: dryRun,
            killAll: killAll,
            diag: capture.diag,
            from: capture.from,
            display: display.plain,
            events: eventOptions.events
        )
        invocation.selection.tables = families.plain
        return invocation
    }

    func run() throws {
        try invocation.run()
    }
}
