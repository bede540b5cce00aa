import SockDiag
import SockDiagFormatting

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension Listing {
    /// Lists (or summarizes) the sockets of sockdiag's network namespace, or of `-N`'s, through the backend asked
    /// for; when sock_diag turns out to be missing before anything was written, from /proc instead.
    func listOneNamespace() throws {
        try enterNamespaceIfAsked()
        if let path = options.diag { return try record(to: path) }
        // The kernel's counters first, so that they do not count sockdiag's own netlink socket (ss reads them
        // without opening one).
        let kernelCounters = options.summary ? KernelSocketStatistics.read() : nil
        if options.summary && access("/proc/net/sockstat", R_OK) != 0 {
            StandardError.note("kernel counters are missing: /proc/net/sockstat cannot be read (is /proc mounted?)")
        }
        var source = try openSource()
        while true {
            var writer = RowWriter(for: self)
            do {
                try list(from: source, kernelCounters: kernelCounters, to: &writer)
                return
            } catch let error as SockDiagError {
                // sock_diag answered "no handler": read /proc instead, unless output already went out.
                guard case .netlink = source, SocketSource.isUnavailable(error), !writer.sink.hasWritten,
                    !query.states.contains(.boundInactive)
                else { throw error }
                StandardError.note("\(error.message); reading /proc/net instead")
                source = .proc(ProcSocketReader())
            }
        }
    }

    /// Enters `-N`'s network namespace, if given.
    /// - Throws: `UsageError` when there is no such namespace or it cannot be entered.
    func enterNamespaceIfAsked() throws(UsageError) {
        guard let namespace = options.namespace else { return }
        do {
            try NetworkNamespace.enter(named: namespace)
        } catch {
            throw UsageError(error.message)
        }
    }

    /// The backend asked for; /proc when sock_diag cannot be opened.
    func openSource() throws -> SocketSource {
        if let path = options.replayPath { return try openCapture(path) }
        if options.backend == .proc { return .proc(ProcSocketReader()) }
        let inspector: SocketInspector
        do {
            inspector = try SocketInspector()
        } catch {
            guard SocketSource.isUnavailable(error), !query.states.contains(.boundInactive) else { throw error }
            StandardError.note("\(error.message); reading /proc/net instead")
            return .proc(ProcSocketReader())
        }
        return .netlink(inspector)
    }

    /// Writes the summary and/or the sockets of `source`: as they arrive, or with `-p` once their owners are known.
    func list(from source: SocketSource, kernelCounters: KernelSocketStatistics?, to writer: inout RowWriter) throws {
        if let kernelCounters {
            let counts = try source.count(matching: Self.everySocket)
            writeSummary(SocketSummary(counts: counts, kernel: kernelCounters), into: &writer.sink)
            // As ss: with nothing else asked for, the summary is all.
            guard options.selection.asksForSockets else {
                try writer.sink.flush()
                return
            }
        }
        writer.start()
        let report: DumpReport?
        var owners: OwnersStage?
        var storageUnavailable: String?
        var stored: (stage: OwnersStage, report: DumpReport?)?
        if OwnersStage.listsMostSockets(self) {
            switch try streamWithStoredOwners(from: source, into: &writer) {
            case .streamed(let stage, let dumped): stored = (stage, dumped)
            case .unavailable(let reason): storageUnavailable = reason
            }
        }
        if let stored {
            // The owners kept on the sockets in the kernel, read from each row as it arrives.
            owners = stored.stage
            report = stored.report
        } else if OwnersStage.streams(self) {
            // Every socket's owners, then the rows as they arrive (OwnersStage says why); the owners are scanned on
            // another thread while the dump's first replies wait for them.
            let readAhead = DumpReadAhead(limit: OwnersStage.readAheadLimit)
            let pending = try OwnersStage.startEverySocket(readAhead: readAhead)
            if case .netlink(let inspector) = source { inspector.readAhead = readAhead }
            writer.pendingOwners = pending
            report = try source.forEachRow(of: self, into: &writer).sockets
            if case .netlink(let inspector) = source { inspector.readAhead = nil }
            owners = try OwnersStage(pending)
        } else if options.processes {
            let rows = try source.rows(of: self)
            owners = try OwnersStage([rows], threads: options.display.threads)
            try writer.write(rows, owners: owners)
            report = rows.report
        } else {
            report = try source.forEachRow(of: self, into: &writer).sockets
        }
        try writer.end()
        owners?.notePartial()
        if options.verbose {
            if let reason = storageUnavailable {
                StandardError.note("processes: owners not kept on the sockets: \(reason)")
            }
            owners?.noteCost()
            StandardError.note(report.map(Self.describe) ?? "read /proc/net; filtered in sockdiag")
            if let line = Self.repeatsLine(report?.repeatedSockets ?? 0) { StandardError.note(line) }
        }
    }

    /// The -v line for sockets the kernel sent twice in one dump, or `nil` when there were none. inet_diag resumes
    /// a dump at a bucket and an index inside it, so a socket added to that bucket in between shifts the rest: one
    /// socket comes twice (or, for a removal, one is skipped, which no one can see); it never sets NLM_F_DUMP_INTR.
    static func repeatsLine(_ repeated: Int) -> String? {
        guard repeated > 0 else { return nil }
        let sockets = repeated == 1 ? "1 socket was" : "\(repeated) sockets were"
        return "\(sockets) reported twice: the kernel's dump restarted inside a hash bucket "
            + "(NLM_F_DUMP_INTR is never set by inet_diag); rerun"
    }

    /// One line saying where the filter ran and what the dump cost.
    static func describe(_ report: DumpReport) -> String {
        var text: String
        switch report.filterPlacement {
        case .none: text = "no filter beyond the states"
        case .kernel: text = "filter ran in the kernel"
        case .swift:
            if let rejection = report.kernelRejection {
                text =
                    "the kernel rejected the filter (\(rejection.errno.map(String.init(describing:)) ?? "error")); filtered in sockdiag instead"
            } else {
                text = "filter ran in sockdiag (--no-kernel-filter)"
            }
        }
        if report.rawFromProc { text += "; raw sockets from /proc/net/raw (the kernel has no raw_diag)" }
        return "\(text); \(report.requests) requests, \(report.messages) replies, \(report.sockets) sockets shown"
    }
}
