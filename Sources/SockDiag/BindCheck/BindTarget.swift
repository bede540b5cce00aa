/// An address and port to test a `bind()` against, as `[ADDRESS:]PORT` (IPv6 in brackets), TCP or UDP.
public struct BindTarget: Hashable, Sendable, CustomStringConvertible {
    /// TCP or UDP.
    public var transport: TransportProtocol
    /// The address to bind; the wildcard (`0.0.0.0` or `::`) by default.
    public var address: IPAddress
    /// The port, 1…65535.
    public var port: UInt16

    /// Creates a target.
    public init(transport: TransportProtocol, address: IPAddress, port: UInt16) {
        self.transport = transport
        self.address = address
        self.port = port
    }

    /// The family of ``address``.
    public var family: AddressFamily {
        if case .v4 = address { return .inet }
        return .inet6
    }

    /// Parses `PORT`, `ADDRESS:PORT`, `[IPV6]:PORT` (the address defaults to `0.0.0.0`).
    /// - Throws: ``FilterSyntaxError`` (column 1) naming what is wrong: port 0 or above 65535, a bad address.
    public init(parsing text: String, transport: TransportProtocol) throws(FilterSyntaxError) {
        self.transport = transport
        var addressText: Substring = ""
        var portText = Substring(text)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw FilterSyntaxError("bad address '\(text)': missing ']'", column: 1)
            }
            addressText = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else {
                throw FilterSyntaxError("expected :PORT after ']' in '\(text)'", column: 1)
            }
            portText = rest.dropFirst()
        } else if let colon = text.lastIndex(of: ":") {
            guard text.firstIndex(of: ":") == colon else {
                throw FilterSyntaxError("IPv6 addresses go in brackets: '[\(text[..<colon])]:\(text[text.index(after: colon)...])'", column: 1)
            }
            addressText = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
            let port = Int(portText), (1...65535).contains(port)
        else {
            throw FilterSyntaxError("bad port '\(portText)': expected a number from 1 to 65535", column: 1)
        }
        self.port = UInt16(port)
        if addressText.isEmpty || addressText == "*" {
            address = .v4(.any)
        } else if let v4 = IPv4Address(addressText) {
            address = .v4(v4)
        } else if let v6 = IPv6Address(parsing: addressText) {
            address = .v6(v6)
        } else {
            throw FilterSyntaxError("bad address '\(addressText)': not an IPv4 or IPv6 address", column: 1)
        }
    }

    /// `tcp 0.0.0.0:8000`, `udp [::1]:53`.
    public var description: String {
        "\(transport) \(Endpoint(address: address, port: port))"
    }
}
