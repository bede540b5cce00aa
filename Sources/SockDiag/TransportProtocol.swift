/// The transport protocol of an internet socket.
public enum TransportProtocol: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// TCP (`IPPROTO_TCP`).
    case tcp = 6
    /// UDP (`IPPROTO_UDP`).
    case udp = 17

    /// The name ss prints in its Netid column: `tcp`, `udp`.
    public var description: String {
        switch self {
        case .tcp: return "tcp"
        case .udp: return "udp"
        }
    }

    /// The states a socket of this protocol can be in, as the kernel reports them.
    public var possibleStates: StateSet {
        switch self {
        case .tcp: return .all.union(.boundInactive)
        case .udp: return [.established, .closed]
        }
    }
}
