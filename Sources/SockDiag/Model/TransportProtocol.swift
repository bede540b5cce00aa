/// The transport protocol of an internet socket.
public enum TransportProtocol: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// TCP (`IPPROTO_TCP`).
    case tcp = 6
    /// UDP (`IPPROTO_UDP`).
    case udp = 17
    /// Raw IP sockets (`SOCK_RAW`), dumped through inet_diag's `IPPROTO_RAW` handler whatever their IP protocol;
    /// ``Socket/ipProtocol`` says which one.
    case raw = 255

    /// The name ss prints in its Netid column: `tcp`, `udp`, `raw`.
    public var description: String { word.description }

    /// ``description`` as a static string, for the formatters' hot path.
    @inlinable
    package var word: StaticString {
        switch self {
        case .tcp: return "tcp"
        case .udp: return "udp"
        case .raw: return "raw"
        }
    }

    /// The states a socket of this protocol can be in, as the kernel reports them.
    public var possibleStates: StateSet {
        switch self {
        case .tcp: return .all.union(.boundInactive)
        case .udp, .raw: return [.established, .closed]
        }
    }
}
