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

    /// Streams the sockets matching `query`; returns the dump report for netlink.
    func forEachSocket(matching query: SocketQuery, _ body: (Socket) throws -> Void) throws -> DumpReport? {
        switch self {
        case .netlink(let inspector): return try inspector.forEachSocket(matching: query, body)
        case .proc(let reader):
            try reader.forEachSocket(matching: query, body)
            return nil
        }
    }

    /// Counts by protocol, family and state.
    func count(matching query: SocketQuery) throws -> SocketCounts {
        switch self {
        case .netlink(let inspector): return try inspector.count(matching: query)
        case .proc(let reader):
            var counts = SocketCounts()
            try reader.forEachSocket(matching: query) { counts.add($0.transport, $0.family, $0.state) }
            return counts
        }
    }

    /// Whether a netlink failure means sock_diag is missing here, so that /proc is the way to go.
    static func isUnavailable(_ error: SockDiagError) -> Bool {
        error.code == .socketUnavailable || error.code == .moduleNotLoaded
    }
}
