import SockDiag

/// ss's row order for the internet sockets of one walk: ss asks for TCP's IPv4 and IPv6 sockets one family at a
/// time, while sockdiag's one walk for both families interleaves them. TCP is dumped last, so TCP's IPv6 sockets
/// are held back until the walk ends and then follow everything else (``SocketSource/forEachRow(of:into:)``).
struct SSOrder {
    /// Whether the walk covers both families (with one, the walk's order is already ss's).
    private let bothFamilies: Bool

    init(families: [AddressFamily]) {
        bothFamilies = families.contains(.inet) && families.contains(.inet6)
    }

    /// Whether `socket` waits until the walk ends.
    @inline(__always)
    func holdsBack(_ socket: Socket) -> Bool {
        bothFamilies && socket.transport == .tcp && socket.family == .inet6
    }
}
