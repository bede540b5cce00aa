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
    /// Appends `text` with JSON string escapes for quotes, backslashes and control characters (C0, DEL and C1, as
    /// `\u00XX`, so that JSON read on a terminal is safe too); each byte of a sequence that is not UTF-8 becomes
    /// `\ufffd`, so the output is valid JSON whatever the kernel or a process named.
    mutating func appendJSONEscaped(_ text: [UInt8]) {
        appendJSONEscaped(bytes: text)
    }

    mutating func appendJSONEscaped<Bytes: RandomAccessCollection>(bytes text: Bytes)
    where Bytes.Element == UInt8, Bytes.Index == Int {
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                append(UInt8(ascii: "\\"))
                append(byte)
            case 0..<0x20, 0x7F:
                appendUnicodeEscape(byte)
            case 0x20..<0x7F:
                append(byte)
            default:
                let length = TerminalText.sequenceLength(text, at: index)
                if length == 0 {
                    append(contentsOf: "\\ufffd".utf8)
                } else if byte == 0xC2 && text[index + 1] < 0xA0 {
                    appendUnicodeEscape(text[index + 1])
                    index += 1
                } else {
                    append(contentsOf: text[index..<(index + length)])
                    index += length - 1
                }
            }
            index += 1
        }
    }

    /// `\u00XX` for a code point below U+0100.
    private mutating func appendUnicodeEscape(_ value: UInt8) {
        append(contentsOf: "\\u00".utf8)
        append(value >> 4 < 10 ? UInt8(ascii: "0") + value >> 4 : UInt8(ascii: "a") + (value >> 4) - 10)
        let low = value & 0xF
        append(low < 10 ? UInt8(ascii: "0") + low : UInt8(ascii: "a") + low - 10)
    }
}
