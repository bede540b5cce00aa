import SockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A usage error: one line for the user, exit status 2.
struct UsageError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// One run of sockdiag with its options as plain values, whichever parser produced them.
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

    /// The kernel extensions the output needs: none unless -m or -i (every extension costs kernel time).
    var extensions: SocketExtensions {
        var extensions: SocketExtensions = []
        if memory { extensions.formUnion(.memory) }
        if info { extensions.formUnion(.tcpInfo) }
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
        return details
    }
    /// `-p`: the Process column (owners from /proc).
    var processes = false
    /// `-N`: the named network namespace to enter first.
    var namespace: String?
    /// `--all-netns`: every network namespace, each dumped from inside it.
    var allNamespaces = false

    /// Checks the options together.
    /// - Throws: `UsageError`.
    func validate() throws(UsageError) {
        let query = try selection.query()
        if backend == .proc && query.states.contains(.boundInactive) {
            throw UsageError("--backend proc cannot show bound-inactive sockets (-B): /proc/net does not list them")
        }
        if backend == .proc && selection.unix {
            throw UsageError("--backend proc cannot show UNIX sockets (-x): they are read over netlink (unix_diag) only")
        }
        if allNamespaces {
            if namespace != nil {
                throw UsageError("--all-netns and -N/--net contradict: --all-netns already reads every namespace; drop one")
            }
            if backend == .proc {
                throw UsageError("--all-netns reads each namespace over netlink; --backend proc cannot be combined with it")
            }
            if selection.raw {
                throw UsageError(
                    "-w/--raw cannot be combined with --all-netns: without raw_diag, raw sockets come from /proc/net/raw of sockdiag's own namespace only"
                )
            }
        }
        if backend == .proc && (memory || info) {
            throw UsageError("--backend proc cannot show \(memory ? "-m" : "-i"): the kernel reports it only over netlink")
        }
    }

    func run() throws {
        if printVersion {
            print(sockdiagVersion)
            return
        }
        if allNamespaces {
            try runAllNamespaces()
            return
        }
        if let namespace {
            do {
                try NetworkNamespace.enter(named: namespace)
            } catch {
                throw UsageError(error.message)
            }
        }
        var query = try selection.query()
        query.extensions = extensions
        // The kernel's counters first, so that they do not count sockdiag's own netlink socket (ss reads them
        // without opening one).
        let kernelCounters = summary ? KernelSocketStatistics.read() : nil
        var source = try openSource(for: query)
        var sink = OutputSink(fileDescriptor: STDOUT_FILENO)
        while true {
            do {
                try emit(from: source, query: query, kernelCounters: kernelCounters, into: &sink)
                return
            } catch let error as SockDiagError {
                // sock_diag answered "no handler": read /proc instead, unless output already went out.
                guard case .netlink = source, SocketSource.isUnavailable(error), !sink.hasWritten,
                    !query.states.contains(.boundInactive)
                else { throw error }
                Self.note("\(error.message); reading /proc/net instead")
                sink.discard()
                source = .proc(ProcSocketReader())
            }
        }
    }

    /// The backend asked for; /proc when sock_diag cannot be opened.
    func openSource(for query: SocketQuery) throws -> SocketSource {
        if backend == .proc { return .proc(ProcSocketReader()) }
        let inspector: SocketInspector
        do {
            inspector = try SocketInspector()
        } catch {
            guard SocketSource.isUnavailable(error), !query.states.contains(.boundInactive) else { throw error }
            Self.note("\(error.message); reading /proc/net instead")
            return .proc(ProcSocketReader())
        }
        return .netlink(inspector)
    }

    /// Writes the summary and/or the sockets.
    func emit(
        from source: SocketSource,
        query: SocketQuery,
        kernelCounters: KernelSocketStatistics?,
        into sink: inout OutputSink
    ) throws {
        if let kernelCounters {
            let counts = try source.count(matching: SocketQuery(protocols: [.tcp, .udp], states: .all))
            let totals = SocketSummary(counts: counts, kernel: kernelCounters)
            sink.withBytes { json ? SummaryFormatter.writeJSON(totals, to: &$0) : SummaryFormatter.writeText(totals, to: &$0) }
            // As ss: with nothing else asked for, the summary is all.
            guard selection.asksForSockets else {
                try sink.flush()
                return
            }
            if !json { sink.withBytes { $0.append(UInt8(ascii: "\n")) } }
        }
        let report: DumpReport?
        if processes {
            report = try emitWithOwners(from: source, query: query, into: &sink)
        } else if json {
            var formatter = JSONFormatter()
            formatter.details = details
            sink.withBytes { formatter.writeStart(to: &$0) }
            try emitUnix(from: source, query: query, into: &sink) { socket, bytes in formatter.write(socket, to: &bytes) }
            // As the table: TCP's IPv6 sockets after its IPv4 ones (see below).
            var deferred: [Socket] = []
            let both = query.families.contains(.inet) && query.families.contains(.inet6)
            report = try source.forEachSocket(matching: query) { socket in
                if both && socket.transport == .tcp && socket.family == .inet6 {
                    deferred.append(socket)
                } else {
                    sink.withBytes { formatter.write(socket, to: &$0) }
                    try sink.flushIfNeeded()
                }
            }
            for socket in deferred {
                sink.withBytes { formatter.write(socket, to: &$0) }
                try sink.flushIfNeeded()
            }
            sink.withBytes { formatter.writeEnd(to: &$0) }
        } else {
            var formatter = tableFormatter(for: query)
            if !noHeader {
                sink.withBytes { formatter.writeHeader(to: &$0) }
            }
            try emitUnix(from: source, query: query, into: &sink) { socket, bytes in formatter.write(socket, to: &bytes) }
            // ss prints TCP's IPv4 sockets before its IPv6 ones (one request per family); the one walk for both
            // families interleaves them, so IPv6 rows wait here until the walk ends (TCP is dumped last).
            var deferred: [UInt8] = []
            let both = query.families.contains(.inet) && query.families.contains(.inet6)
            report = try source.forEachSocket(matching: query) { socket in
                if both && socket.transport == .tcp && socket.family == .inet6 {
                    formatter.write(socket, to: &deferred)
                } else {
                    sink.withBytes { formatter.write(socket, to: &$0) }
                    try sink.flushIfNeeded()
                }
            }
            if !deferred.isEmpty {
                try sink.flush()
                sink.withBytes { $0.append(contentsOf: deferred) }
            }
        }
        try sink.flush()
        if verbose {
            Self.note(report.map(Self.describe) ?? "read /proc/net; filtered in sockdiag")
        }
    }

    /// `sockets` in ss's order: TCP's IPv6 sockets after its IPv4 ones (ss asks per family; sockdiag's one walk
    /// for both families interleaves them). TCP is dumped last, so moving its IPv6 sockets to the end suffices.
    static func inSSOrder(_ sockets: [Socket]) -> [Socket] {
        guard sockets.contains(where: { $0.transport == .tcp && $0.family == .inet6 }) else { return sockets }
        return sockets.filter { !($0.transport == .tcp && $0.family == .inet6) }
            + sockets.filter { $0.transport == .tcp && $0.family == .inet6 }
    }

    /// The table formatter for `query`'s families with the detail columns asked for (and cgroup paths for `-e`).
    func tableFormatter(for query: SocketQuery) -> TableFormatter {
        var formatter = TableFormatter(families: query.families)
        formatter.details = details
        if extended {
            let cgroups = CgroupPaths()
            formatter.cgroupPath = { cgroups.path(of: $0) }
        }
        return formatter
    }

    /// Writes the UNIX sockets (`-x`) first, in ss's order, with `write`.
    func emitUnix(
        from source: SocketSource,
        query: SocketQuery,
        into sink: inout OutputSink,
        _ write: (UnixSocket, inout [UInt8]) -> Void
    ) throws {
        guard let unixQuery = selection.unixQuery(for: query) else { return }
        guard case .netlink(let inspector) = source else {
            // Listed by default only where netlink serves them; asked for with -x, their absence is an error.
            guard selection.unix else { return }
            throw UsageError("UNIX sockets (-x) are read over netlink (unix_diag) only, and sock_diag is unavailable")
        }
        try inspector.forEachUnixSocket(matching: unixQuery) { socket in
            sink.withBytes { write(socket, &$0) }
            try sink.flushIfNeeded()
        }
    }

    /// One line saying where the filter ran and what the dump cost.
    static func describe(_ report: DumpReport) -> String {
        var text: String
        switch report.filterPlacement {
        case .none: text = "no filter beyond the states"
        case .kernel: text = "filter ran in the kernel"
        case .swift:
            if let rejection = report.kernelRejection {
                text = "the kernel rejected the filter (\(rejection.errno.map(String.init(describing:)) ?? "error")); filtered in sockdiag instead"
            } else {
                text = "filter ran in sockdiag (--no-kernel-filter)"
            }
        }
        if report.rawFromProc { text += "; raw sockets from /proc/net/raw (the kernel has no raw_diag)" }
        return "\(text); \(report.requests) requests, \(report.messages) replies, \(report.sockets) sockets shown"
    }

    /// Writes `sockdiag: MESSAGE` to standard error.
    static func note(_ message: String) {
        let line = "sockdiag: \(message)\n"
        line.withCString { text in _ = write(STDERR_FILENO, text, strlen(text)) }
    }

}
