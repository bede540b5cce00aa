/// Formats sockets as one JSON array, one object per line, written as the sockets arrive.
///
/// Each object: `protocol`, `family`, `state` (ss's filter names), `local` and `peer` (`address`, `port`),
/// `recv_q`, `send_q`, `uid`, `inode`, `cookie` (hex string, as ss's `sk:`), `interface` (name or null),
/// `v6only` (bool or null), `timer` (`kind`, `expires_ms`, `retransmits`).
public struct JSONFormatter {
    private var wroteElement = false
    private var interfaces = InterfaceNames()

    /// Creates a formatter.
    public init() {}

    /// Appends the opening bracket.
    public func writeStart(to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "["))
    }

    /// Appends the closing bracket and a newline.
    public func writeEnd(to buffer: inout [UInt8]) {
        if wroteElement { buffer.append(UInt8(ascii: "\n")) }
        buffer.append(contentsOf: "]\n".utf8)
    }

    /// Appends one object for `socket`.
    public mutating func write(_ socket: Socket, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: (wroteElement ? ",\n{\"protocol\":\"" : "\n{\"protocol\":\"").utf8)
        wroteElement = true
        buffer.append(contentsOf: socket.transport.description.utf8)
        buffer.append(contentsOf: "\",\"family\":\"".utf8)
        buffer.append(contentsOf: socket.family.description.utf8)
        buffer.append(contentsOf: "\",\"state\":\"".utf8)
        buffer.append(contentsOf: socket.state.name.utf8)
        buffer.append(contentsOf: "\",\"local\":".utf8)
        writeEndpoint(socket.local, to: &buffer)
        buffer.append(contentsOf: ",\"peer\":".utf8)
        writeEndpoint(socket.peer, to: &buffer)
        buffer.append(contentsOf: ",\"recv_q\":".utf8)
        buffer.appendDecimal(socket.receiveQueue)
        buffer.append(contentsOf: ",\"send_q\":".utf8)
        buffer.appendDecimal(socket.sendQueue)
        buffer.append(contentsOf: ",\"uid\":".utf8)
        buffer.appendDecimal(socket.uid)
        buffer.append(contentsOf: ",\"inode\":".utf8)
        buffer.appendDecimal(socket.inode)
        buffer.append(contentsOf: ",\"cookie\":\"".utf8)
        buffer.appendHex(socket.cookie)
        buffer.append(contentsOf: "\",\"interface\":".utf8)
        if socket.interfaceIndex == 0 {
            buffer.append(contentsOf: "null".utf8)
        } else {
            buffer.append(UInt8(ascii: "\""))
            buffer.appendJSONEscaped(interfaces.name(socket.interfaceIndex))
            buffer.append(UInt8(ascii: "\""))
        }
        buffer.append(contentsOf: ",\"v6only\":".utf8)
        switch socket.v6Only {
        case .none: buffer.append(contentsOf: "null".utf8)
        case .some(true): buffer.append(contentsOf: "true".utf8)
        case .some(false): buffer.append(contentsOf: "false".utf8)
        }
        buffer.append(contentsOf: ",\"timer\":{\"kind\":\"".utf8)
        buffer.append(contentsOf: socket.timer.kind.description.utf8)
        buffer.append(contentsOf: "\",\"expires_ms\":".utf8)
        buffer.appendDecimal(socket.timer.expiresMilliseconds)
        buffer.append(contentsOf: ",\"retransmits\":".utf8)
        buffer.appendDecimal(UInt32(socket.timer.retransmits))
        buffer.append(contentsOf: "}}".utf8)
    }

    private func writeEndpoint(_ endpoint: Endpoint, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: "{\"address\":\"".utf8)
        endpoint.address.write(to: &buffer)
        buffer.append(contentsOf: "\",\"port\":".utf8)
        buffer.appendDecimal(UInt32(endpoint.port))
        buffer.append(UInt8(ascii: "}"))
    }
}

extension [UInt8] {
    /// Appends `text` with JSON string escapes for quotes, backslashes and control bytes.
    mutating func appendJSONEscaped(_ text: [UInt8]) {
        for byte in text {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                append(UInt8(ascii: "\\"))
                append(byte)
            case 0..<0x20:
                append(contentsOf: "\\u00".utf8)
                append(byte >> 4 < 10 ? UInt8(ascii: "0") + byte >> 4 : UInt8(ascii: "a") + (byte >> 4) - 10)
                let low = byte & 0xF
                append(low < 10 ? UInt8(ascii: "0") + low : UInt8(ascii: "a") + low - 10)
            default:
                append(byte)
            }
        }
    }
}
