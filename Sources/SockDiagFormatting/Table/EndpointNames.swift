import SockDiag

/// `-r`: names for the table's addresses and ports, as ss `-r` prints them; whatever has no name is printed
/// numerically. The formatter asks for each endpoint it writes; the lookups (and their caches) are the caller's.
public struct EndpointNames: Sendable {
    /// The host name of an address (`nil`: numeric).
    public var host: @Sendable (IPAddress) -> [UInt8]?
    /// The service name of a port for a protocol (`nil`: numeric); for raw sockets, the IP protocol's name.
    public var service: (@Sendable (UInt16, TransportProtocol) -> [UInt8]?)?

    /// Creates the lookups; `service` `nil` keeps ports numeric (ss `-rn`).
    public init(
        host: @escaping @Sendable (IPAddress) -> [UInt8]?,
        service: (@Sendable (UInt16, TransportProtocol) -> [UInt8]?)?
    ) {
        self.host = host
        self.service = service
    }

    /// The text of `endpoint`'s address as ss `-r` writes it: the name, or `nil` to write it numerically (also
    /// for the IPv6 wildcard of a dual-stack socket, which stays `*`).
    func hostText(_ endpoint: Endpoint, v6Only: Bool) -> [UInt8]? {
        if case .v6(let v6) = endpoint.address, v6.isAny && !v6Only { return nil }
        return host(endpoint.address)
    }

    /// The text of `port`: the service name, or `nil` for the number (`*` for port 0 is the formatter's).
    func portText(_ port: UInt16, transport: TransportProtocol) -> [UInt8]? {
        port == 0 ? nil : service?(port, transport)
    }
}
