import SockDiag
import SockDiagFormatting

/// One listing: the options, checked together, and the queries built from them, once.
///
/// Every listing runs the same pipeline: a source (sockdiag's network namespace through one backend, or every
/// namespace, each dumped from inside it) hands over the UNIX rows and then the internet rows in ss's order
/// (``SSOrder``); `-p` keeps them for the owners stage (``OwnersStage``: one scan of /proc); one ``RowWriter``
/// writes them as the table or JSON, with the `Netns` label and the `Process` column when asked for. Without
/// `-p` or `--all-netns` the rows are written as they arrive.
struct Listing {
    let options: Invocation
    /// The internet sockets to list, with the kernel extensions the output needs.
    var query: SocketQuery
    /// The UNIX sockets to list, or `nil` when none are.
    let unixQuery: UnixSocketQuery?
    /// The netlink, packet, SCTP, vsock, TIPC, XDP and MPTCP sockets to list.
    let families: FamilyQueries

    /// Checks `options` together and builds the queries.
    /// - Throws: `UsageError`.
    init(checking options: Invocation) throws(UsageError) {
        var options = options
        options.selection = try options.selection.resolvingTables()
        // With --all-netns, ss's default listing has no raw sockets: they could come only from sockdiag's own
        // namespace (/proc/net/raw).
        var query = try options.selection.query(rawByDefault: !options.allNamespaces)
        try Self.check(options, states: query.states)
        try KillRules.check(options, query: query)
        try Self.checkCapture(options)
        query.extensions = options.extensions
        // -v says when the kernel sent a socket twice (the cookies of one dump, kept only then).
        query.detectRepeats = options.verbose
        self.options = options
        self.query = query
        // -K closes internet sockets only; its default selection leaves out the UNIX sockets.
        var unixQuery = options.kill ? nil : try options.selection.unixQuery(for: query)
        if options.extended { unixQuery?.details.insert(.file) }
        if options.memory { unixQuery?.details.insert(.memory) }
        self.unixQuery = unixQuery
        // -K, -D and a capture cover TCP, UDP, raw and UNIX sockets only.
        let onlyCore = options.kill || options.diag != nil || options.replayPath != nil
        if onlyCore && options.selection.tables.any {
            let what = options.kill ? "-K closes" : options.diag != nil ? "-D records" : "a capture holds"
            throw UsageError(
                "\(what) TCP, UDP, raw and UNIX sockets only; not netlink, packet, MPTCP, SCTP, vsock, XDP or TIPC"
            )
        }
        families = onlyCore ? .none : try options.selection.familyQueries(for: query, backend: options.backend)
    }

    /// The combinations of options that contradict each other or that the backend cannot serve.
    static func check(_ options: Invocation, states: StateSet) throws(UsageError) {
        let proc = options.backend == .proc
        if proc && states.contains(.boundInactive) {
            throw UsageError("--backend proc cannot show bound-inactive sockets (-B): /proc/net does not list them")
        }
        if proc && options.selection.unix {
            throw UsageError(
                "--backend proc cannot show UNIX sockets (-x): they are read over netlink (unix_diag) only"
            )
        }
        if options.allNamespaces {
            if options.namespace != nil {
                throw UsageError(
                    "--all-netns and -N/--net contradict: --all-netns already reads every namespace; drop one"
                )
            }
            if proc {
                throw UsageError(
                    "--all-netns reads each namespace over netlink; --backend proc cannot be combined with it"
                )
            }
            if options.selection.raw {
                throw UsageError(
                    "-w/--raw cannot be combined with --all-netns: without raw_diag, raw sockets come from /proc/net/raw of sockdiag's own namespace only"
                )
            }
        }
        if proc && (options.memory || options.info) {
            throw UsageError(
                "--backend proc cannot show \(options.memory ? "-m" : "-i"): the kernel reports it only over netlink"
            )
        }
    }

    /// Lists (or summarizes, `-s`), or prints the version (`-V`).
    func run() throws {
        if options.printVersion {
            print(sockdiagVersion)
        } else if options.events {
            try followEvents()
        } else if options.kill {
            try killOneNamespace()
        } else if options.allNamespaces {
            try listEveryNamespace()
        } else {
            try listOneNamespace()
        }
    }
}
