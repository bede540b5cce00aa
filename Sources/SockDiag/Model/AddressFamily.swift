/// The address family of an internet socket.
public enum AddressFamily: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// IPv4 (`AF_INET`).
    case inet = 2
    /// IPv6 (`AF_INET6`), including IPv4-mapped addresses of dual-stack sockets.
    case inet6 = 10

    /// The name ss uses for the family: `inet`, `inet6`.
    public var description: String {
        switch self {
        case .inet: return "inet"
        case .inet6: return "inet6"
        }
    }
}
