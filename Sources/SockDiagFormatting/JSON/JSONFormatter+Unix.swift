import SockDiag

extension JSONFormatter {
    /// Appends one object for a UNIX socket: `protocol` (`unix`), `type` (`stream`, `dgram`, `seqpacket`),
    /// `state`, `path` (the path or the abstract name without its leading NUL, JSON-escaped; null when unbound),
    /// `abstract`, `inode`, `peer_inode` (0 for none), `recv_q`, `send_q`; with ``details``:
    /// - ``OutputDetails/extended``: `shutdown` (`{"receive":bool,"send":bool}` or null), `file`
    ///   (`{"inode":N,"major":M,"minor":m}`, the socket file's inode and its file system's device; null when not
    ///   bound to a path) and `pending_peers` (a listener's accept queue: the inodes of the connecting sockets; null
    ///   when not listening);
    /// - ``OutputDetails/memory``: `memory` with `skmem` (as for internet sockets; null when not sent).
    public mutating func write(_ socket: UnixSocket, to buffer: inout [UInt8]) {
        var path: [UInt8] = []
        if !socket.name.isEmpty {
            path.appendJSONEscaped(bytes: socket.isAbstract ? socket.name[1...] : socket.name[...])
        }
        let first = !wroteElement
        wroteElement = true
        let namespaceKey = self.namespaceKey
        let details = self.details
        let maximum = 512 + path.count + namespaceKey.count + 11 * (socket.pendingPeers?.count ?? 0)
        buffer.appendWriting(maximum: maximum) { out in
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
            if details.contains(.extended) { Self.writeUnixExtended(socket, to: &out) }
            if details.contains(.memory) {
                if let memory = socket.memory {
                    Self.write(SocketMemory(counters: memory), to: &out)
                } else {
                    out.put(",\"memory\":null")
                }
            }
            out.put(UInt8(ascii: "}"))
        }
    }

    /// Appends one object for a UNIX socket with a `process` key after the others: its owners as for internet
    /// sockets (``write(_:owners:to:)``), `[]` when no scanned process holds it.
    public mutating func write(_ socket: UnixSocket, owners: [SocketOwner], to buffer: inout [UInt8]) {
        write(socket, to: &buffer)
        guard buffer.last == UInt8(ascii: "}") else { return }
        buffer.removeLast()
        Self.appendProcessKey(owners, to: &buffer)
    }

    /// `-e`: `shutdown`, `file`, `pending_peers`.
    private static func writeUnixExtended(_ socket: UnixSocket, to out: inout ByteWriter) {
        writeShutdown(socket.shutdown, to: &out)
        if let file = socket.file {
            out.put(",\"file\":{\"inode\":")
            out.decimal(file.inode)
            out.put(",\"major\":")
            out.decimal(file.major)
            out.put(",\"minor\":")
            out.decimal(file.minor)
            out.put(UInt8(ascii: "}"))
        } else {
            out.put(",\"file\":null")
        }
        guard let peers = socket.pendingPeers else {
            out.put(",\"pending_peers\":null")
            return
        }
        out.put(",\"pending_peers\":[")
        for (index, peer) in peers.enumerated() {
            if index > 0 { out.put(UInt8(ascii: ",")) }
            out.decimal(peer)
        }
        out.put(UInt8(ascii: "]"))
    }
}
