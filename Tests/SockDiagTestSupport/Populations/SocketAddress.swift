/// An address and port as text and number, e.g. `127.0.0.1` and 8000, `::ffff:127.0.0.1` and 40312.
package struct SocketAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The address as `inet_ntop` writes it.
    package var address: String
    package var port: UInt16

    package init(_ address: String, _ port: UInt16) {
        self.address = address
        self.port = port
    }

    package var isIPv6: Bool { address.contains(":") }

    package var description: String { isIPv6 ? "[\(address)]:\(port)" : "\(address):\(port)" }

    package static func < (lhs: SocketAddress, rhs: SocketAddress) -> Bool {
        (lhs.address, lhs.port) < (rhs.address, rhs.port)
    }

    package static let anyV4 = SocketAddress("0.0.0.0", 0)
    package static let anyV6 = SocketAddress("::", 0)
}
