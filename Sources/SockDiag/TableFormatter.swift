/// Formats sockets as ss's table: `Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port`.
///
/// Columns have fixed widths so that rows can be written as they arrive (ss sizes its columns after
/// buffering every row); a longer address widens only its own row.
public struct TableFormatter {
    /// Width of the address part of the two endpoint columns (right-aligned, as ss aligns on the colon).
    public var addressWidth: Int
    private var interfaces = InterfaceNames()

    /// Creates a formatter sized for `families`.
    /// - Parameter families: The families the output may hold; IPv6 widens the address columns.
    public init(families: [AddressFamily]) {
        addressWidth = families.contains(.inet6) ? 20 : 15
    }

    /// Appends the header line.
    public func writeHeader(to buffer: inout [UInt8]) {
        buffer.appendPadded("Netid", width: 6)
        buffer.appendPadded("State", width: 11)
        buffer.appendPadded("Recv-Q", width: 7)
        buffer.appendPadded("Send-Q", width: 7)
        buffer.appendSpaces(addressWidth - 13)
        buffer.appendPadded("Local Address:Port", width: 19)
        buffer.appendSpaces(addressWidth - 12)
        buffer.append(contentsOf: "Peer Address:Port".utf8)
        buffer.append(UInt8(ascii: "\n"))
    }

    /// Appends one row for `socket`.
    public mutating func write(_ socket: Socket, to buffer: inout [UInt8]) {
        let start = buffer.count
        buffer.append(contentsOf: socket.transport.description.utf8)
        buffer.appendSpaces(6 - (buffer.count - start))
        let stateStart = buffer.count
        buffer.append(contentsOf: socket.state.columnName.utf8)
        buffer.appendSpaces(11 - (buffer.count - stateStart))
        let receiveStart = buffer.count
        buffer.appendDecimal(socket.receiveQueue)
        buffer.appendSpaces(7 - (buffer.count - receiveStart))
        let sendStart = buffer.count
        buffer.appendDecimal(socket.sendQueue)
        buffer.appendSpaces(7 - (buffer.count - sendStart))
        writeEndpoint(socket.local, of: socket, interface: socket.interfaceIndex, to: &buffer)
        let portStart = buffer.count
        buffer.appendPort(socket.local.port)
        buffer.appendSpaces(6 - (buffer.count - portStart))
        writeEndpoint(socket.peer, of: socket, interface: 0, to: &buffer)
        buffer.appendPort(socket.peer.port)
        buffer.append(UInt8(ascii: "\n"))
    }

    /// The address right-aligned in its column, then the colon.
    private mutating func writeEndpoint(_ endpoint: Endpoint, of socket: Socket, interface: UInt32, to buffer: inout [UInt8]) {
        let start = buffer.count
        endpoint.writeAddress(v6Only: socket.v6Only ?? false, to: &buffer)
        if interface != 0 {
            buffer.append(UInt8(ascii: "%"))
            buffer.append(contentsOf: interfaces.name(interface))
        }
        let length = buffer.count - start
        if length < addressWidth {
            buffer.insert(contentsOf: repeatElement(UInt8(ascii: " "), count: addressWidth - length), at: start)
        }
        buffer.append(UInt8(ascii: ":"))
    }
}

extension Endpoint {
    /// Appends the address as ss prints it: IPv6 in brackets, and `*` for the IPv6 wildcard of a socket
    /// that also accepts IPv4 (no `IPV6_V6ONLY`).
    func writeAddress(v6Only: Bool, to buffer: inout [UInt8]) {
        switch address {
        case .v4(let v4):
            v4.write(to: &buffer)
        case .v6(let v6):
            if v6.isAny && !v6Only {
                buffer.append(UInt8(ascii: "*"))
            } else {
                buffer.append(UInt8(ascii: "["))
                v6.write(to: &buffer)
                buffer.append(UInt8(ascii: "]"))
            }
        }
    }
}

extension [UInt8] {
    /// Appends `count` spaces (nothing when `count` ≤ 0).
    @inline(__always)
    mutating func appendSpaces(_ count: Int) {
        if count > 0 { append(contentsOf: repeatElement(UInt8(ascii: " "), count: count)) }
    }

    /// Appends `text` left-aligned in `width` columns.
    mutating func appendPadded(_ text: String, width: Int) {
        append(contentsOf: text.utf8)
        appendSpaces(width - text.utf8.count)
    }

    /// Appends a port, or `*` for port 0.
    @inline(__always)
    mutating func appendPort(_ port: UInt16) {
        if port == 0 { append(UInt8(ascii: "*")) } else { appendDecimal(UInt32(port)) }
    }
}
