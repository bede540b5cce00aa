import SockDiag

extension SocketSource {
    /// Hands `listing`'s netlink and packet sockets, its UNIX sockets, then its internet sockets in ss's order (and
    /// the SCTP, vsock, XDP and MPTCP ones last), to `consumer` as the dumps deliver them.
    /// - Returns: The reports of the UNIX dump and the internet dump (`nil` for each not made over netlink).
    /// - Throws: What the dumps and `consumer` throw; `UsageError` when UNIX sockets are asked for (`-x`) and this
    ///   is /proc, which does not list them.
    func forEachRow<Consumer: RowConsumer & ~Copyable>(
        of listing: Listing,
        into consumer: inout Consumer
    ) throws -> (unix: DumpReport?, sockets: DumpReport?) {
        var unixReport: DumpReport?
        let leading = try forEachLeadingFamilyRow(of: listing, into: &consumer)
        if let unixQuery = listing.unixQuery {
            switch self {
            case .netlink(let inspector):
                unixReport = try inspector.forEachUnixSocket(matching: unixQuery) { try consumer.take($0) }
            case .capture(let capture):
                unixReport = try capture.forEachUnixSocket(matching: unixQuery) { try consumer.take($0) }
            case .proc:
                // Listed by default only where netlink serves them; asked for with -x, their absence is an error.
                guard !listing.options.selection.unix else {
                    throw UsageError(
                        "UNIX sockets (-x) are read over netlink (unix_diag) only, and sock_diag is unavailable"
                    )
                }
            }
        }
        let order = SSOrder(families: listing.query.families)
        let report = try forEachSocket(matching: listing.query) { socket in
            if order.holdsBack(socket) {
                try consumer.hold(socket)
            } else {
                try consumer.take(socket)
            }
        }
        try consumer.takeHeld()
        let trailing = try forEachTrailingFamilyRow(of: listing, into: &consumer)
        guard var report else { return (unixReport, nil) }
        report.add(leading)
        report.add(trailing)
        return (unixReport, report)
    }

    /// `listing`'s rows, kept.
    func rows(of listing: Listing, namespace: NetworkNamespace? = nil) throws -> Rows {
        var rows = Rows(namespace: namespace)
        let reports = try forEachRow(of: listing, into: &rows)
        rows.unixReport = reports.unix
        rows.report = reports.sockets
        return rows
    }
}
