import SockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension Invocation {
    /// `--all-netns`: the same listing (or summary) for every network namespace found, each dumped from inside it,
    /// rows labelled with the namespace (a leading `Netns` column; a `netns` key in JSON). With `-s`, one summary
    /// totalled over the namespaces. With `-p`, one scan of /proc for all of them (socket inodes are unique on the
    /// machine). Namespaces that could not be entered or that vanished are reported on one stderr line.
    func runAllNamespaces() throws {
        var query = try selection.query(rawByDefault: false)
        query.extensions = extensions
        let scan = try NetworkNamespaceScanner().namespaces()
        var sink = OutputSink(fileDescriptor: STDOUT_FILENO)
        var outcome = SweepOutcome()

        if summary {
            let totals = try summarizeAll(scan, outcome: &outcome)
            sink.withBytes {
                json ? SummaryFormatter.writeJSON(totals, to: &$0) : SummaryFormatter.writeText(totals, to: &$0)
            }
            if selection.asksForSockets {
                if !json { sink.withBytes { $0.append(UInt8(ascii: "\n")) } }
                outcome = SweepOutcome()
            }
        }
        if !summary || selection.asksForSockets {
            if processes {
                try listAllWithOwners(scan, query: query, outcome: &outcome, into: &sink)
            } else {
                try listAll(scan, query: query, outcome: &outcome, into: &sink)
            }
        }
        try sink.flush()
        if let line = Self.partialLine(outcome, scan: scan.report) { Self.note(line) }
        if verbose {
            Self.note(
                "network namespaces read: \(outcome.read) of \(scan.namespaces.count) found; \(outcome.report.requests) requests, \(outcome.report.messages) replies, \(outcome.report.sockets) sockets shown"
            )
        }
    }

    /// What the sweeps did, for the stderr lines.
    struct SweepOutcome {
        var read = 0
        var skipped: [SkippedNetworkNamespace] = []
        var vanished = 0
        var report = DumpReport()

        mutating func record<Value>(_ sweep: NetworkNamespaceSweep<Value>) {
            read = sweep.results.count
            skipped = sweep.skipped
            vanished = sweep.vanished
        }

        mutating func add(_ report: DumpReport?) {
            guard let report else { return }
            self.report.requests += report.requests
            self.report.messages += report.messages
            self.report.sockets += report.sockets
        }
    }

    /// The table's leading column, `label` padded to `width`.
    static func labelColumn(_ label: String, width: Int) -> [UInt8] {
        var column = Array(label.utf8)
        column.append(contentsOf: repeatElement(UInt8(ascii: " "), count: max(1, width - column.count)))
        return column
    }

    /// The width of the `Netns` column: the longest label and a space.
    static func labelWidth(_ namespaces: [NetworkNamespace]) -> Int {
        namespaces.reduce("Netns".utf8.count) { max($0, $1.label.utf8.count) } + 1
    }

    /// One namespace's sockets, collected on a sweep thread to be written on the main thread in the scan's order.
    struct NamespaceSockets: Sendable {
        var unix: [UnixSocket] = []
        var sockets: [Socket] = []
        var reports: [DumpReport] = []
    }

    /// Dumps `query` (and the UNIX query) in one namespace, keeping the sockets.
    static func collect(_ inspector: SocketInspector, query: SocketQuery, unixQuery: UnixSocketQuery?) throws
        -> NamespaceSockets
    {
        var collected = NamespaceSockets()
        if let unixQuery {
            collected.reports.append(try inspector.forEachUnixSocket(matching: unixQuery) { collected.unix.append($0) })
        }
        collected.reports.append(try inspector.forEachSocket(matching: query) { collected.sockets.append($0) })
        collected.sockets = inSSOrder(collected.sockets)
        return collected
    }

    /// Lists every namespace's sockets in the scan's order; namespaces are dumped `NetworkNamespaceScan.defaultConcurrency` at a time,
    /// each one's sockets kept until it is written.
    func listAll(
        _ scan: NetworkNamespaceScan,
        query: SocketQuery,
        outcome: inout SweepOutcome,
        into sink: inout OutputSink
    ) throws {
        let unixQuery = selection.unixQuery(for: query)
        var dumps = SweepOutcome()
        let dump: @Sendable (NetworkNamespace, SocketInspector) throws -> NamespaceSockets = { _, inspector in
            try Self.collect(inspector, query: query, unixQuery: unixQuery)
        }
        if json {
            var formatter = JSONFormatter()
            formatter.details = details
            sink.withBytes { formatter.writeStart(to: &$0) }
            let sweep = try scan.sweep(concurrency: NetworkNamespaceScan.defaultConcurrency, dump) { namespace, collected in
                formatter.namespace = namespace
                for socket in collected.unix {
                    sink.withBytes { formatter.write(socket, to: &$0) }
                    try sink.flushIfNeeded()
                }
                for socket in collected.sockets {
                    sink.withBytes { formatter.write(socket, to: &$0) }
                    try sink.flushIfNeeded()
                }
                collected.reports.forEach { dumps.add($0) }
            }
            sink.withBytes { formatter.writeEnd(to: &$0) }
            outcome.record(sweep)
        } else {
            var formatter = tableFormatter(for: query)
            let width = Self.labelWidth(scan.namespaces)
            if !noHeader {
                sink.withBytes {
                    $0.append(contentsOf: Self.labelColumn("Netns", width: width))
                    formatter.writeHeader(to: &$0)
                }
            }
            let sweep = try scan.sweep(concurrency: NetworkNamespaceScan.defaultConcurrency, dump) { namespace, collected in
                let label = Self.labelColumn(namespace.label, width: width)
                for socket in collected.unix {
                    sink.withBytes {
                        $0.append(contentsOf: label)
                        formatter.write(socket, to: &$0)
                    }
                    try sink.flushIfNeeded()
                }
                for socket in collected.sockets {
                    sink.withBytes {
                        $0.append(contentsOf: label)
                        formatter.write(socket, to: &$0)
                    }
                    try sink.flushIfNeeded()
                }
                collected.reports.forEach { dumps.add($0) }
            }
            outcome.record(sweep)
        }
        outcome.report = dumps.report
    }

    /// `-p`: collects every namespace's sockets, finds their owners with one scan of /proc, then writes them.
    func listAllWithOwners(
        _ scan: NetworkNamespaceScan,
        query: SocketQuery,
        outcome: inout SweepOutcome,
        into sink: inout OutputSink
    ) throws {
        let unixQuery = selection.unixQuery(for: query)
        var dumps = SweepOutcome()
        var collected: [(namespace: NetworkNamespace, value: NamespaceSockets)] = []
        let sweep = try scan.sweep(concurrency: NetworkNamespaceScan.defaultConcurrency) { _, inspector in
            try Self.collect(inspector, query: query, unixQuery: unixQuery)
        } deliver: { namespace, sockets in
            sockets.reports.forEach { dumps.add($0) }
            collected.append((namespace, sockets))
        }
        outcome.record(sweep)
        outcome.report = dumps.report
        var inodes = Set<UInt64>()
        for entry in collected {
            for socket in entry.value.sockets where socket.inode != 0 { inodes.insert(socket.inode) }
        }
        let owners = try SocketOwnerScanner().owners(of: inodes)

        if json {
            var formatter = JSONFormatter()
            formatter.details = details
            sink.withBytes { formatter.writeStart(to: &$0) }
            for entry in collected {
                formatter.namespace = entry.namespace
                for socket in entry.value.unix {
                    sink.withBytes { formatter.write(socket, to: &$0) }
                    try sink.flushIfNeeded()
                }
                for socket in entry.value.sockets {
                    sink.withBytes { formatter.write(socket, owners: owners.owners[socket.inode] ?? [], to: &$0) }
                    try sink.flushIfNeeded()
                }
            }
            sink.withBytes { formatter.writeEnd(to: &$0) }
        } else {
            var formatter = tableFormatter(for: query)
            let width = Self.labelWidth(scan.namespaces)
            if !noHeader {
                sink.withBytes {
                    $0.append(contentsOf: Self.labelColumn("Netns", width: width))
                    formatter.writeHeader(processColumn: true, to: &$0)
                }
            }
            for entry in collected {
                let label = Self.labelColumn(entry.namespace.label, width: width)
                for socket in entry.value.unix {
                    sink.withBytes {
                        $0.append(contentsOf: label)
                        formatter.write(socket, to: &$0)
                    }
                    try sink.flushIfNeeded()
                }
                for socket in entry.value.sockets {
                    sink.withBytes {
                        $0.append(contentsOf: label)
                        formatter.write(socket, owners: owners.owners[socket.inode] ?? [], to: &$0)
                    }
                    try sink.flushIfNeeded()
                }
            }
        }
        if let line = Self.partialProcessLine(owners.report) { Self.note(line) }
    }

    /// `-s`: one summary totalled over every namespace read: each namespace's counts and its own kernel counters
    /// (read inside it, before its inspector is opened), the machine-wide ones (TCP allocated, orphans) once.
    func summarizeAll(_ scan: NetworkNamespaceScan, outcome: inout SweepOutcome) throws -> SocketSummary {
        let everything = SocketQuery(protocols: [.tcp, .udp], states: .all)
        var values: [(KernelSocketStatistics, SocketCounts)] = []
        let sweep = try scan.sweep(concurrency: NetworkNamespaceScan.defaultConcurrency) { namespace, inspector in
            // Read after the inspector opened: subtract its own netlink socket from "sockets: used".
            var kernel = try namespace.run { KernelSocketStatistics.read(procRoot: "/proc/thread-self") }
            kernel.socketsUsed = max(0, kernel.socketsUsed - 1)
            return (kernel, try inspector.count(matching: everything))
        } deliver: { _, value in
            values.append(value)
        }
        outcome.record(sweep)
        var kernel = KernelSocketStatistics()
        var counts = SocketCounts()
        for (index, value) in values.enumerated() {
            let (theirs, theirCounts) = value
            if index == 0 {
                kernel.tcpAllocated = theirs.tcpAllocated
                kernel.tcpOrphans = theirs.tcpOrphans
            }
            kernel.socketsUsed += theirs.socketsUsed
            kernel.tcpInUse4 += theirs.tcpInUse4
            kernel.tcpInUse6 += theirs.tcpInUse6
            kernel.tcpTimeWait += theirs.tcpTimeWait
            kernel.udpInUse4 += theirs.udpInUse4
            kernel.udpInUse6 += theirs.udpInUse6
            kernel.rawInUse4 += theirs.rawInUse4
            kernel.rawInUse6 += theirs.rawInUse6
            kernel.fragmentsInUse4 += theirs.fragmentsInUse4
            kernel.fragmentsInUse6 += theirs.fragmentsInUse6
            kernel.tcpCurrentlyEstablished += theirs.tcpCurrentlyEstablished
            counts += theirCounts
        }
        return SocketSummary(counts: counts, kernel: kernel)
    }

    /// The one stderr line for namespaces not read and processes not seen, or `nil` when all went well.
    static func partialLine(_ outcome: SweepOutcome, scan: NetworkNamespaceScanReport) -> String? {
        var parts: [String] = []
        if !outcome.skipped.isEmpty {
            let shown = outcome.skipped.prefix(8).map(\.namespace.label).joined(separator: ", ")
            let more = outcome.skipped.count > 8 ? " and \(outcome.skipped.count - 8) more" : ""
            let reasons = Set(
                outcome.skipped.map { $0.reason.errno.map(String.init(describing:)) ?? $0.reason.message }
            )
            let hint = geteuid() == 0 ? "" : "; run as root"
            parts.append(
                "\(outcome.skipped.count) network \(outcome.skipped.count == 1 ? "namespace" : "namespaces") could not be entered (\(shown)\(more): \(reasons.sorted().joined(separator: ", "))\(hint))"
            )
        }
        if outcome.vanished > 0 {
            parts.append(
                "\(outcome.vanished) network \(outcome.vanished == 1 ? "namespace" : "namespaces") vanished before \(outcome.vanished == 1 ? "its" : "their") turn"
            )
        }
        if scan.processesUnreadable > 0 {
            let reasons = scan.unreadableErrors.keys.map(String.init(describing:)).sorted().joined(separator: ", ")
            let count = scan.processesUnreadable
            parts.append(
                count == 1
                    ? "1 process could not be read (\(reasons)): a namespace only it is in would be missing"
                    : "\(count) processes could not be read (\(reasons)): namespaces only they are in would be missing"
            )
        }
        guard !parts.isEmpty else { return nil }
        return "--all-netns is partial: \(parts.joined(separator: "; "))"
    }
}
