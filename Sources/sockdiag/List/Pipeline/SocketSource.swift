import ArgumentParser
import SockDiag

/// Where the sockets come from: the kernel's tables over netlink, or the /proc/net text files.
enum Backend: String, ExpressibleByArgument, CaseIterable {
    case netlink
    case proc
}

/// An open backend.
enum SocketSource {
    case netlink(SocketInspector)
    case proc(ProcSocketReader)
    /// A recorded dump (`--from`, `TCPDIAG_FILE`), listed as if the kernel answered.
    case capture(DumpCapture)

    /// Streams the sockets matching `query`; returns the dump report for netlink.
    func forEachSocket(matching query: SocketQuery, _ body: (Socket) throws -> Void) throws -> DumpReport? {
        switch self {
        case .netlink(let inspector):
            guard query.protocols.contains(.raw) else { return try inspector.forEachSocket(matching: query, body) }
            // Raw first (ss's order), on its own: kernels without raw_diag (CONFIG_INET_RAW_DIAG) list raw sockets
            // only in /proc/net/raw{,6}, which is where ss reads them then too.
            var raw = query
            raw.protocols = [.raw]
            var rest = query
            rest.protocols.removeAll { $0 == .raw }
            var report = DumpReport()
            var delivered = false
            do {
                report = try inspector.forEachSocket(matching: raw) { socket in
                    delivered = true
                    try body(socket)
                }
            } catch let error as SockDiagError where Self.isUnavailable(error) && !delivered {
                report.requests = 1
                try ProcSocketReader().forEachSocket(matching: raw) { socket in
                    report.sockets += 1
                    try body(socket)
                }
                report.rawFromProc = true
            }
            guard !rest.protocols.isEmpty else { return report }
            var restReport = try inspector.forEachSocket(matching: rest, body)
            restReport.requests += report.requests
            restReport.messages += report.messages
            restReport.sockets += report.sockets
            restReport.repeatedSockets += report.repeatedSockets
            restReport.rawFromProc = report.rawFromProc
            return restReport
        case .proc(let reader):
            try reader.forEachSocket(matching: query, body)
            return nil
        case .capture(let capture):
            return try capture.forEachSocket(matching: query, body)
        }
    }

    /// Counts by protocol, family and state.
    func count(matching query: SocketQuery) throws -> SocketCounts {
        switch self {
        case .netlink(let inspector): return try inspector.count(matching: query)
        case .proc, .capture:
            var counts = SocketCounts()
            _ = try forEachSocket(matching: query) { counts.add($0.transport, $0.family, $0.state, timer: $0.timer.kind) }
            return counts
        }
    }

    /// Whether a netlink failure means sock_diag is missing here, so that /proc is the way to go.
    static func isUnavailable(_ error: SockDiagError) -> Bool {
        error.code == .socketUnavailable || error.code == .moduleNotLoaded
    }
}
