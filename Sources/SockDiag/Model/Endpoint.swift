/// One end of a socket: an address and a port.
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    /// The address; the family's unspecified address for a wildcard bind or an unconnected peer.
    public var address: IPAddress
    /// The port in host order; 0 when none (an unconnected peer, an unbound socket).
    public var port: UInt16

    /// Creates an endpoint.
    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// `address:port` with IPv6 in brackets and port 0 as `*`, e.g. `[::1]:8000`, `0.0.0.0:*`.
    public var description: String {
        var text: [UInt8] = []
        switch address {
        case .v4(let v4): v4.write(to: &text)
        case .v6(let v6):
            text.append(UInt8(ascii: "["))
            v6.write(to: &text)
            text.append(UInt8(ascii: "]"))
        }
        text.append(UInt8(ascii: ":"))
        if port == 0 { text.append(UInt8(ascii: "*")) } else { text.append(contentsOf: String(port).utf8) }
        return String(decoding: text, as: UTF8.self)
    }
}
