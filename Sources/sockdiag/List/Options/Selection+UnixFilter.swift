import SockDiag

extension Selection {
    /// Whether the filter is about UNIX socket names (ss's `src`/`dst` globs): `-x` is the only kind of socket
    /// asked for, or a word of the filter has ss's `unix:` prefix (which, as in ss, restricts the listing to UNIX
    /// sockets).
    var filtersUnixNames: Bool {
        !filter.isEmpty && ((unix && !tcp && !udp && !raw) || UnixFilterParser.namesUnixSockets(filter))
    }

    /// The parsed UNIX filter, or `nil` when the filter is not about UNIX names (``filtersUnixNames``).
    /// - Throws: `UsageError` for a filter that does not parse, or a `unix:` pattern with `-t`, `-u` or `-w`.
    func unixFilter() throws(UsageError) -> UnixFilterParser.Result? {
        guard filtersUnixNames else { return nil }
        if tcp || udp || raw {
            throw UsageError(
                "a unix: pattern selects UNIX sockets only; list them apart from \(tcp ? "-t" : udp ? "-u" : "-w")"
            )
        }
        do {
            return try UnixFilterParser.parse(filter)
        } catch {
            throw UsageError(error.description)
        }
    }
}
