import SockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The families beyond UNIX and TCP/UDP/raw (``FamilyQueries``), read over netlink only.
extension SocketSource {
    /// Hands `listing`'s netlink and packet sockets to `consumer` (ss lists them first).
    /// - Returns: What the dumps did, added up.
    func forEachLeadingFamilyRow<Consumer: RowConsumer & ~Copyable>(
        of listing: Listing,
        into consumer: inout Consumer
    ) throws -> DumpReport {
        var report = DumpReport()
        guard case .netlink(let inspector) = self else { return report }
        let families = listing.families
        if families.netlink {
            try Self.tolerating("netlink", "netlink_diag (CONFIG_NETLINK_DIAG)", listing, into: &report) {
                try inspector.forEachNetlinkSocket { try consumer.take($0) }
            }
        }
        if let types = families.packetTypes {
            try Self.tolerating("packet", "packet_diag (CONFIG_PACKET_DIAG)", listing, into: &report) {
                try inspector.forEachPacketSocket(types: types) { try consumer.take($0) }
            }
        }
        return report
    }

    /// Hands `listing`'s SCTP, vsock, TIPC, XDP and MPTCP sockets to `consumer` (ss lists them last, in that order).
    /// - Returns: What the dumps did, added up.
    func forEachTrailingFamilyRow<Consumer: RowConsumer & ~Copyable>(
        of listing: Listing,
        into consumer: inout Consumer
    ) throws -> DumpReport {
        var report = DumpReport()
        guard case .netlink(let inspector) = self else { return report }
        let families = listing.families
        if let query = families.sctp {
            try Self.tolerating("sctp", "sctp_diag (CONFIG_INET_SCTP_DIAG)", listing, into: &report) {
                try inspector.forEachSocket(matching: query) { try consumer.take($0) }
            }
        }
        if let states = families.vsock {
            let types = families.vsockTypes
            try Self.tolerating("vsock", "vsock_diag (CONFIG_VSOCKETS_DIAG)", listing, into: &report) {
                try inspector.forEachVsockSocket(states: states) { socket in
                    if types.isEmpty || types.contains(socket.type) { try consumer.take(socket) }
                }
            }
        }
        if families.tipc { Self.noteTIPC(listing) }
        if families.xdp {
            try Self.tolerating("xdp", "xsk_diag (CONFIG_XDP_SOCKETS_DIAG)", listing, into: &report) {
                try inspector.forEachXDPSocket { try consumer.take($0) }
            }
        }
        if let query = families.mptcp {
            try Self.tolerating("mptcp", "mptcp_diag (CONFIG_INET_MPTCP_DIAG)", listing, into: &report) {
                try inspector.forEachSocket(matching: query) { try consumer.take($0) }
            }
        }
        return report
    }

    /// Runs one family's dump and adds its report; when the kernel has no handler for the family (and nothing was
    /// listed yet), lists nothing and says so under `-v`.
    private static func tolerating(
        _ name: String,
        _ handler: String,
        _ listing: Listing,
        into report: inout DumpReport,
        _ dump: () throws -> DumpReport
    ) throws {
        do {
            report.add(try dump())
        } catch let error as SockDiagError where isUnavailable(error) {
            report.requests += 1
            if listing.options.verbose {
                let reason = error.errno.map { "\($0)" } ?? "no handler"
                StandardError.note("\(name): nothing listed: the kernel has no \(handler) (\(reason))")
            }
        }
    }

    /// TIPC sockets are listed by ss over generic netlink (`TIPC_NL_SOCK_GET`), not sock_diag: sockdiag says whether
    /// the kernel has TIPC at all.
    private static func noteTIPC(_ listing: Listing) {
        let descriptor = socket(30 /* AF_TIPC */, Int32(SOCK_RDM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if descriptor >= 0 {
            close(descriptor)
            StandardError.note(
                "tipc: not listed: sockdiag does not read TIPC sockets (generic netlink TIPC_NL_SOCK_GET) yet"
            )
        } else if listing.options.verbose {
            StandardError.note(
                "tipc: nothing listed: the kernel has no TIPC (CONFIG_TIPC; socket(AF_TIPC): \(Errno(rawValue: errno)))"
            )
        }
    }
}

extension DumpReport {
    /// Adds `other`'s requests, replies, sockets and repeats.
    mutating func add(_ other: DumpReport) {
        requests += other.requests
        messages += other.messages
        sockets += other.sockets
        repeatedSockets += other.repeatedSockets
    }
}
