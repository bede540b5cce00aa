import SockDiag

/// One namespace's rows, kept: its UNIX sockets, then its internet sockets in ss's order (``SSOrder``).
///
/// `-p` keeps the rows until the owners are known; `--all-netns` dumps each namespace on a thread of its own and
/// keeps its rows until their turn to be written.
struct Rows: Sendable {
    /// The namespace, with `--all-netns`.
    var namespace: NetworkNamespace?
    var unix: [UnixSocket] = []
    var sockets: [Socket] = []
    /// The UNIX dump's report (`nil` when UNIX sockets are not listed).
    var unixReport: DumpReport?
    /// The internet dump's report (`nil` from /proc).
    var report: DumpReport?
}

extension SocketSource {
    /// Hands `listing`'s UNIX sockets to `unix`, then its internet sockets to `socket` in ss's order, as the dumps
    /// deliver them.
    /// - Returns: The reports of the UNIX dump and the internet dump (`nil` for each not made over netlink).
    /// - Throws: What the dumps and the closures throw; `UsageError` when UNIX sockets are asked for (`-x`) and
    ///   this is /proc, which does not list them.
    func forEachRow(
        of listing: Listing,
        unix: (UnixSocket) throws -> Void,
        socket: (Socket) throws -> Void
    ) throws -> (unix: DumpReport?, sockets: DumpReport?) {
        var unixReport: DumpReport?
        if let unixQuery = listing.unixQuery {
            switch self {
            case .netlink(let inspector):
                unixReport = try inspector.forEachUnixSocket(matching: unixQuery, unix)
            case .proc:
                // Listed by default only where netlink serves them; asked for with -x, their absence is an error.
                guard !listing.options.selection.unix else {
                    throw UsageError(
                        "UNIX sockets (-x) are read over netlink (unix_diag) only, and sock_diag is unavailable"
                    )
                }
            }
        }
        var order = SSOrder(families: listing.query.families)
        let report = try forEachSocket(matching: listing.query) { next in
            if order.admit(next) { try socket(next) }
        }
        for next in order.deferred { try socket(next) }
        return (unixReport, report)
    }

    /// `listing`'s rows, kept.
    func rows(of listing: Listing, namespace: NetworkNamespace? = nil) throws -> Rows {
        var rows = Rows(namespace: namespace)
        let reports = try forEachRow(of: listing) {
            rows.unix.append($0)
        } socket: {
            rows.sockets.append($0)
        }
        rows.unixReport = reports.unix
        rows.report = reports.sockets
        return rows
    }
}
