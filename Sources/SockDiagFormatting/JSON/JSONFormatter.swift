import SockDiag

/// Formats sockets as one JSON array, one object per line, written as the sockets arrive.
///
/// Each object: `protocol` (`tcp`, `udp`, `raw`; raw sockets add `ip_protocol`), `family`, `state` (ss's filter names), `local` and `peer` (`address`, `port`),
/// `recv_q`, `send_q`, `uid`, `inode`, `cookie` (hex string, as ss's `sk:`), `interface` (name or null),
/// `v6only` (bool or null), `timer` (`kind`, `expires_ms`, `retransmits`); with ``details``, the keys
/// `writeDetails` documents (`memory`, `congestion`, `tcp_info`, …).
public struct JSONFormatter {
    /// The `-e`, `-m`, `-i` additions to each object (none by default).
    public var details: OutputDetails = []
    /// The namespace the sockets come from: when set, each object starts with a `netns` key
    /// (`NetworkNamespace`'s `inode`, `name` and `current`); `nil` (the default) leaves it out.
    public var namespace: NetworkNamespace? {
        didSet { namespaceKey = namespace.map(Self.namespaceKey) ?? [] }
    }
    /// The `"netns":{…},` bytes of ``namespace``, or empty.
    var namespaceKey: [UInt8] = []
    var wroteElement = false
    var interfaces = InterfaceNames()

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
        var interface: [UInt8] = []
        if socket.interfaceIndex != 0 { interface.appendJSONEscaped(interfaces.name(socket.interfaceIndex)) }
        let first = !wroteElement
        wroteElement = true
        let details = self.details
        let namespaceKey = self.namespaceKey
        buffer.appendWriting(
            maximum: 512 + interface.count + namespaceKey.count + (details.isEmpty ? 0 : Self.maximumDetails)
        ) { out in
            out.put(first ? "\n{" : ",\n{")
            out.put(namespaceKey)
            out.put("\"protocol\":\"")
            out.put(socket.transport.word)
            if socket.transport == .raw {
                out.put("\",\"ip_protocol\":")
                out.decimal(UInt32(socket.local.port))
                out.put(socket.family == .inet ? ",\"family\":\"inet" : ",\"family\":\"inet6")
            } else {
                out.put(socket.family == .inet ? "\",\"family\":\"inet" : "\",\"family\":\"inet6")
            }
            out.put("\",\"state\":\"")
            out.put(socket.state.nameWord)
            out.put("\",\"local\":")
            Self.writeEndpoint(socket.local, to: &out)
            out.put(",\"peer\":")
            Self.writeEndpoint(socket.peer, to: &out)
            out.put(",\"recv_q\":")
            out.decimal(socket.receiveQueue)
            out.put(",\"send_q\":")
            out.decimal(socket.sendQueue)
            out.put(",\"uid\":")
            out.decimal(socket.uid)
            out.put(",\"inode\":")
            out.decimal(socket.inode)
            out.put(",\"cookie\":\"")
            out.hex(socket.cookie)
            out.put("\",\"interface\":")
            if socket.interfaceIndex == 0 {
                out.put("null")
            } else {
                out.put(UInt8(ascii: "\""))
                out.put(interface)
                out.put(UInt8(ascii: "\""))
            }
            switch socket.v6Only {
            case .none: out.put(",\"v6only\":null")
            case .some(true): out.put(",\"v6only\":true")
            case .some(false): out.put(",\"v6only\":false")
            }
            out.put(",\"timer\":{\"kind\":\"")
            out.put(socket.timer.kind.word)
            out.put("\",\"expires_ms\":")
            out.decimal(socket.timer.expiresMilliseconds)
            out.put(",\"retransmits\":")
            out.decimal(UInt32(socket.timer.retransmits))
            out.put(UInt8(ascii: "}"))
            if !details.isEmpty { Self.writeDetails(socket, details: details, to: &out) }
            out.put(UInt8(ascii: "}"))
        }
    }

    @inline(__always)
    private static func writeEndpoint(_ endpoint: Endpoint, to out: inout ByteWriter) {
        out.put("{\"address\":\"")
        out.address(endpoint.address)
        out.put("\",\"port\":")
        out.decimal(UInt32(endpoint.port))
        out.put(UInt8(ascii: "}"))
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
