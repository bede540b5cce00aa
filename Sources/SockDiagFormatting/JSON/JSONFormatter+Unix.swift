import SockDiag

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
