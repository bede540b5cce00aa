extension TableFormatter {
    /// Appends one row for a UNIX socket, as ss prints it: `u_str ESTAB 0 0 /run/x.sock 1234 * 1235`: the path
    /// (`@name` for an abstract name, whose NUL bytes print as `@`; `*` when unbound) and the inode in the local
    /// column, `*` and the peer's inode (0 for none) in the peer column.
    public func write(_ socket: UnixSocket, to buffer: inout [UInt8]) {
        let width = addressWidth
        buffer.appendWriting(maximum: Self.maximumRow + 2 * width + socket.name.count) { out in
            let start = out.count
            out.put(socket.type.netid)
            out.spaces(6 - (out.count - start))
            let stateStart = out.count
            out.put(socket.state.columnWord)
            out.spaces(11 - (out.count - stateStart))
            let receiveStart = out.count
            out.decimal(socket.receiveQueue)
            out.spaces(7 - (out.count - receiveStart))
            let sendStart = out.count
            out.decimal(socket.sendQueue)
            out.spaces(7 - (out.count - sendStart))
            let length = max(socket.name.count, 1)
            out.spaces(width - length)
            if socket.name.isEmpty {
                out.put(UInt8(ascii: "*"))
            } else if socket.isAbstract {
                for byte in socket.name { out.put(byte == 0 ? UInt8(ascii: "@") : byte) }
            } else {
                out.put(socket.name)
            }
            out.put(UInt8(ascii: " "))
            let inodeStart = out.count
            out.decimal(socket.inode)
            out.spaces(6 - (out.count - inodeStart))
            out.spaces(width - 1)
            out.put("* ")
            out.decimal(socket.peerInode)
            out.put(UInt8(ascii: "\n"))
        }
    }
}

extension JSONFormatter {
    /// Appends one object for a UNIX socket: `protocol` (`unix`), `type` (`stream`, `dgram`, `seqpacket`),
    /// `state`, `path` (the path or the abstract name without its leading NUL, JSON-escaped; null when unbound),
    /// `abstract`, `inode`, `peer_inode` (0 for none), `recv_q`, `send_q`.
    public mutating func write(_ socket: UnixSocket, to buffer: inout [UInt8]) {
        var path: [UInt8] = []
        if !socket.name.isEmpty {
            path.appendJSONEscaped(socket.isAbstract ? Array(socket.name.dropFirst()) : socket.name)
        }
        let first = !wroteElement
        wroteElement = true
        let namespaceKey = self.namespaceKey
        buffer.appendWriting(maximum: 256 + path.count + namespaceKey.count) { out in
            out.put(first ? "\n{" : ",\n{")
            out.put(namespaceKey)
            out.put("\"protocol\":\"unix\",\"type\":\"")
            out.put(socket.type.word)
            out.put("\",\"state\":\"")
            out.put(socket.state.nameWord)
            out.put("\",\"path\":")
            if socket.name.isEmpty {
                out.put("null")
            } else {
                out.put(UInt8(ascii: "\""))
                out.put(path)
                out.put(UInt8(ascii: "\""))
            }
            out.put(socket.isAbstract ? ",\"abstract\":true,\"inode\":" : ",\"abstract\":false,\"inode\":")
            out.decimal(socket.inode)
            out.put(",\"peer_inode\":")
            out.decimal(socket.peerInode)
            out.put(",\"recv_q\":")
            out.decimal(socket.receiveQueue)
            out.put(",\"send_q\":")
            out.decimal(socket.sendQueue)
            out.put(UInt8(ascii: "}"))
        }
    }
}
