import SockDiag
import SockDiagFormatting

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One run of `sockdiag list` with its options as plain values, whichever parser produced them.
struct Invocation: Equatable {
    var selection = Selection()
    var numeric = false
    var noHeader = false
    var json = false
    var summary = false
    var backend: Backend = .netlink
    var printVersion = false
    var verbose = false
    /// `-o`: timers.
    var options = false
    /// `-e`: uid, inode, cookie, mark, cgroup, v6only, shutdown (and timers, as in ss).
    var extended = false
    /// `-m`: socket memory (asks the kernel for the memory extensions).
    var memory = false
    /// `-i`: tcp_info and the congestion control algorithm (asks the kernel for them).
    var info = false
    /// `-p`: the Process column (owners from /proc).
    var processes = false
    /// `-N`: the named network namespace to enter first.
    var namespace: String?
    /// `--all-netns`: every network namespace, each dumped from inside it.
    var allNamespaces = false
    /// `-K`: close the selected sockets (SOCK_DESTROY) and list those closed.
    var kill = false
    /// `--dry-run` (with `-K`): list what `-K` would close, and close nothing.
    var dryRun = false
    /// `--kill-all` (with `-K`): close even when nothing narrows the selection.
    var killAll = false
    /// `-D`: the file to record the dump's raw replies to (`-` for standard output).
    var diag: String?
    /// `--from`: the capture to list instead of the kernel's tables (`-` for standard input).
    var from: String?
    /// `-r -T -O -Q --tos --cgroup --inet-sockopt -Z -z -b -F`.
    var display = Display()
    /// `-E`: print the sockets the kernel destroys, until interrupted.
    var events = false

    /// The kernel extensions the output needs: none unless -m or -i (every extension costs kernel time).
    var extensions: SocketExtensions {
        var extensions: SocketExtensions = []
        if memory { extensions.formUnion(.memory) }
        if info { extensions.formUnion(.tcpInfo) }
        if display.typeOfService { extensions.formUnion(.typeOfService) }
        return extensions
    }

    /// The columns the formatters add, as ss's -o -e -m -i -n (-e implies -o).
    var details: OutputDetails {
        var details: OutputDetails = []
        if options || extended { details.insert(.timer) }
        if extended { details.insert(.extended) }
        if memory { details.insert(.memory) }
        if info { details.insert(.tcpInfo) }
        if numeric && !details.isEmpty { details.insert(.numericRates) }
        details.formUnion(displayDetails)
        return details
    }

    /// Checks the options, builds the queries once and lists.
    /// - Throws: `UsageError` for options that do not go together, and what the listing throws.
    func run() throws {
        if selection.tables.families.contains("help") { return print(TableWord.help) }
        try Listing(checking: resolvingDisplay()).run()
    }
}
