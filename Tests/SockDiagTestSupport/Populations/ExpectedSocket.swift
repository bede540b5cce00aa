/// One socket the test made, as the kernel should report it.
package struct ExpectedSocket: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// `tcp` or `udp`.
    package var transport: String
    package var state: KernelState
    package var local: SocketAddress
    package var peer: SocketAddress

    /// `inet` or `inet6`.
    package var family: String { local.isIPv6 ? "inet6" : "inet" }

    package var description: String { "\(transport) \(state.filterName) \(local) \(peer)" }

    package static func < (lhs: ExpectedSocket, rhs: ExpectedSocket) -> Bool {
        (lhs.transport, lhs.state, lhs.local, lhs.peer) < (rhs.transport, rhs.state, rhs.local, rhs.peer)
    }
}
