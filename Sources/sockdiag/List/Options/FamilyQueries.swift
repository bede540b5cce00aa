import SockDiag

/// What a listing reads beyond its UNIX and TCP/UDP/raw queries: netlink and packet sockets (listed before the UNIX
/// ones, as ss does), and SCTP, vsock, TIPC, XDP and MPTCP sockets (after the internet ones).
struct FamilyQueries: Sendable {
    /// Netlink sockets.
    var netlink = false
    /// Packet sockets of these types (empty: both); `nil` when not listed.
    var packetTypes: [PacketSocketType]?
    /// SCTP sockets: the listing's query for SCTP alone.
    var sctp: SocketQuery?
    /// vsock sockets in these states.
    var vsock: StateSet?
    /// The vsock types (`SOCK_STREAM` 1, `SOCK_DGRAM` 2) `-A` named; empty for every type.
    var vsockTypes: [UInt8] = []
    /// TIPC sockets.
    var tipc = false
    /// XDP sockets.
    var xdp = false
    /// MPTCP sockets: the listing's query for MPTCP alone.
    var mptcp: SocketQuery?
    /// The families asked for by option (not only by ss's default listing): their absence is worth a note.
    var named: Set<String> = []

    /// None.
    static let none = FamilyQueries()

    /// How many of ss's socket tables these queries read (packet and vsock are two each, raw and datagram or
    /// stream and datagram, unless `-A` named one): ss leaves the `Netid` column out when it lists one table.
    var tableCount: Int {
        var count = netlink ? 1 : 0
        if let packetTypes { count += packetTypes.isEmpty ? 2 : packetTypes.count }
        if sctp != nil { count += 1 }
        if vsock != nil { count += vsockTypes.isEmpty ? 2 : vsockTypes.count }
        if tipc { count += 1 }
        if xdp { count += 1 }
        if mptcp != nil { count += 1 }
        return count
    }
}

extension Selection {
    /// The families `query`'s listing reads beyond UNIX, TCP, UDP and raw, as ss: netlink, packet and XDP sockets
    /// (which ss shows as `UNCONN`) when asked for or in the default listing, and only when the states include
    /// `UNCONN` (`-a`, `-l`, or asked for by option); vsock in the default listing or asked for; TIPC only when asked
    /// for; SCTP and MPTCP whenever no protocol option narrows the internet sockets (also with `-4`/`-6`, as ss).
    /// - Throws: `UsageError` when a family asked for cannot be listed with the other options.
    func familyQueries(for query: SocketQuery, backend: Backend) throws(UsageError) -> FamilyQueries {
        var families = FamilyQueries()
        let everyKind = listsEveryKind(query)
        let inetDefault = !tcp && !udp && !raw && !unix && !tables.any
        let unconnected = query.states.contains(.closed)
        let expression = query.effectiveFilter != .all
        for (name, asked) in [("netlink", tables.netlink), ("packet", tables.packet), ("xdp", tables.xdp)] where asked {
            if expression {
                throw UsageError("port, address and filter expressions do not apply to \(name) sockets; only states do")
            }
            families.named.insert(name)
        }
        for (name, asked) in [
            ("sctp", tables.sctp), ("vsock", tables.vsock), ("tipc", tables.tipc), ("mptcp", tables.mptcp),
        ]
        where asked {
            families.named.insert(name)
        }
        if backend == .proc, let name = families.named.sorted().first {
            throw UsageError("--backend proc cannot show \(name) sockets: they are read over netlink (sock_diag) only")
        }
        families.netlink = (tables.netlink || everyKind) && unconnected
        if (tables.packet || everyKind) && unconnected { families.packetTypes = tables.packetTypes }
        families.xdp = (tables.xdp || everyKind) && unconnected
        if tables.vsock || everyKind {
            families.vsock = query.states
            families.vsockTypes = tables.vsockTypes
        }
        families.tipc = tables.tipc
        if tables.sctp || inetDefault { families.sctp = Self.only(.sctp, of: query) }
        if tables.mptcp || inetDefault { families.mptcp = Self.only(.mptcp, of: query) }
        return families
    }

    /// `query` for `transport` alone.
    private static func only(_ transport: TransportProtocol, of query: SocketQuery) -> SocketQuery {
        var only = query
        only.protocols = [transport]
        return only
    }
}
