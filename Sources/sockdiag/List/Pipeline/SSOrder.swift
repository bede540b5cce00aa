import SockDiag

/// ss's row order for the internet sockets of one walk: ss asks for TCP's IPv4 and IPv6 sockets one family at a
/// time, while sockdiag's one walk for both families interleaves them. TCP is dumped last, so TCP's IPv6 sockets
/// wait here until the walk ends and then follow everything else.
struct SSOrder {
    /// Whether the walk covers both families (with one, the walk's order is already ss's).
    private let holdsBack: Bool
    /// TCP's IPv6 sockets, held back until the walk ends.
    private(set) var deferred: [Socket] = []

    init(families: [AddressFamily]) {
        holdsBack = families.contains(.inet) && families.contains(.inet6)
    }

    /// Whether `socket` goes out now; if not, it is kept in ``deferred``.
    @inline(__always)
    mutating func admit(_ socket: Socket) -> Bool {
        guard holdsBack && socket.transport == .tcp && socket.family == .inet6 else { return true }
        deferred.append(socket)
        return false
    }
}
