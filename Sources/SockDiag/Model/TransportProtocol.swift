/// The transport protocol of an internet socket.
public enum TransportProtocol: UInt16, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// TCP (`IPPROTO_TCP`).
    case tcp = 6
    /// UDP (`IPPROTO_UDP`).
    case udp = 17
    /// SCTP (`IPPROTO_SCTP`), served by the kernel's `sctp_diag` where it has one.
    case sctp = 132
    /// Raw IP sockets (`SOCK_RAW`), dumped through inet_diag's `IPPROTO_RAW` handler whatever their IP protocol;
    /// ``Socket/ipProtocol`` says which one.
    case raw = 255
    /// Multipath TCP (`IPPROTO_MPTCP`, 262): its sockets are the connections, each above one or more TCP subflows
    /// (which are listed as TCP). It does not fit inet_diag's 8-bit protocol field, so its requests carry it in an
    /// `INET_DIAG_REQ_PROTOCOL` attribute.
    case mptcp = 262

    /// The name ss prints in its Netid column: `tcp`, `udp`, `sctp`, `raw`, `mptcp`.
    public var description: String { word.description }

    /// ``description`` as a static string, for the formatters' hot path.
    @inlinable
    package var word: StaticString {
        switch self {
        case .tcp: return "tcp"
        case .udp: return "udp"
        case .sctp: return "sctp"
        case .raw: return "raw"
        case .mptcp: return "mptcp"
        }
    }

    /// The states a socket of this protocol can be in, as the kernel reports them.
    public var possibleStates: StateSet {
        switch self {
        case .tcp: return .all.union(.boundInactive)
        case .mptcp, .sctp: return .all
        case .udp, .raw: return [.established, .closed]
        }
    }

    /// Whether the protocol is TCP or MPTCP, whose sockets share TCP's states and `tcp_info`.
    @inlinable
    public var isTCPLike: Bool { self == .tcp || self == .mptcp }
}
