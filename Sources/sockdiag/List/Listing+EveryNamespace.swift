import SockDiag
import SockDiagFormatting

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension Listing {
    /// `--all-netns`: the same listing (or summary) for every network namespace found, each dumped from inside it,
    /// rows labelled with the namespace (a leading `Netns` column; a `netns` key in JSON). With `-s`, one summary
    /// totalled over the namespaces. With `-p`, one scan of /proc for all of them (socket inodes are unique on the
    /// machine). Namespaces that could not be entered or that vanished are reported on one stderr line.
    func listEveryNamespace() throws {
        let scan = try NetworkNamespaceScanner().namespaces()
        var writer = RowWriter(for: self, namespaces: scan.namespaces)
        var outcome = SweepOutcome()
        let asksForSockets = options.selection.asksForSockets
        if options.summary {
            writeSummary(try summarizeEveryNamespace(scan, outcome: &outcome), into: &writer.sink)
            if asksForSockets { outcome = SweepOutcome() }
        }
        if !options.summary || asksForSockets {
            try listRows(of: scan, outcome: &outcome, to: &writer)
        } else {
            try writer.sink.flush()
        }
        if let line = outcome.partialLine(scan: scan.report) { StandardError.note(line) }
        if options.verbose {
            StandardError.note(
                "network namespaces read: \(outcome.read) of \(scan.namespaces.count) found; \(outcome.report.requests) requests, \(outcome.report.messages) replies, \(outcome.report.sockets) sockets shown"
            )
            if let line = Self.repeatsLine(outcome.report.repeatedSockets) { StandardError.note(line) }
        }
    }

    /// Writes every namespace's rows in the scan's order, the namespaces dumped
    /// `NetworkNamespaceScan.defaultConcurrency` at a time: each one's rows as its turn comes, or with `-p` all of
    /// them once one scan of /proc found their owners.
    func listRows(of scan: NetworkNamespaceScan, outcome: inout SweepOutcome, to writer: inout RowWriter) throws {
        writer.start()
        var kept: [Rows] = []
        let sweep = try scan.sweep(concurrency: NetworkNamespaceScan.defaultConcurrency) { namespace, inspector in
            try SocketSource.netlink(inspector).rows(of: self, namespace: namespace)
        } deliver: { _, rows in
            outcome.add(rows)
            if options.processes {
                kept.append(rows)
            } else {
                try writer.write(rows, owners: nil)
            }
        }
        outcome.record(sweep)
        if options.processes {
            let owners = try OwnersStage(kept, threads: options.display.threads)
            for rows in kept { try writer.write(rows, owners: owners) }
            owners.notePartial()
        }
        try writer.end()
    }
}

/// What the sweeps over the namespaces did, for the stderr lines.
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

    /// Adds the cost of the dumps that read `rows`.
    mutating func add(_ rows: Rows) {
        for dump in [rows.unixReport, rows.report] {
            guard let dump else { continue }
            report.requests += dump.requests
            report.messages += dump.messages
            report.sockets += dump.sockets
            report.repeatedSockets += dump.repeatedSockets
        }
    }

    /// The one stderr line for namespaces not read and processes not seen, or `nil` when all went well.
    func partialLine(scan: NetworkNamespaceScanReport) -> String? {
        var parts: [String] = []
        if !skipped.isEmpty {
            let shown = skipped.prefix(8).map(\.namespace.label).joined(separator: ", ")
            let more = skipped.count > 8 ? " and \(skipped.count - 8) more" : ""
            let reasons = Set(skipped.map { $0.reason.errno.map(String.init(describing:)) ?? $0.reason.message })
            let hint = geteuid() == 0 ? "" : "; run as root"
            parts.append(
                "\(skipped.count) network \(skipped.count == 1 ? "namespace" : "namespaces") could not be entered (\(shown)\(more): \(reasons.sorted().joined(separator: ", "))\(hint))"
            )
        }
        if vanished > 0 {
            parts.append(
                "\(vanished) network \(vanished == 1 ? "namespace" : "namespaces") vanished before \(vanished == 1 ? "its" : "their") turn"
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
