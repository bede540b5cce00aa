import SockDiag

extension JSONFormatter {
    /// Appends one object for `socket` with a `process` key after the others (for `ss -p`'s information).
    ///
    /// `"process":[{"command":"nginx","pid":1234,"fd":6},…]` (with `"tid"` under `-T`) lists the owners, `[]` when the socket has a file but
    /// no scanned process holds it, and `null` when the socket has no file (inode 0: TIME_WAIT and request
    /// sockets, and sockets their process has closed), so that no process can hold it.
    /// - Parameters:
    ///   - socket: The socket.
    ///   - owners: Its owners (`SocketOwnerScan/owners`), empty when none were found.
    ///   - buffer: Where to append.
    public mutating func write(_ socket: Socket, owners: [SocketOwner], to buffer: inout [UInt8]) {
        write(socket, to: &buffer)
        // Reopen the object just written.
        guard buffer.last == UInt8(ascii: "}") else { return }
        buffer.removeLast()
        guard socket.inode != 0 else {
            buffer.append(contentsOf: ",\"process\":null}".utf8)
            return
        }
        Self.appendProcessKey(owners, to: &buffer)
    }

    /// `,"process":[…]}`: the owners and the object's closing brace.
    static func appendProcessKey(_ owners: [SocketOwner], to buffer: inout [UInt8]) {
        buffer.append(contentsOf: ",\"process\":[".utf8)
        for (index, owner) in owners.enumerated() {
            buffer.append(contentsOf: index == 0 ? "{\"command\":\"".utf8 : ",{\"command\":\"".utf8)
            buffer.appendJSONEscaped(owner.command.utf8)
            buffer.append(contentsOf: "\",\"pid\":".utf8)
            buffer.appendDecimal(UInt32(bitPattern: owner.pid))
            if let tid = owner.tid {
                buffer.append(contentsOf: ",\"tid\":".utf8)
                buffer.appendDecimal(UInt32(bitPattern: tid))
            }
            buffer.append(contentsOf: ",\"fd\":".utf8)
            buffer.appendDecimal(UInt32(bitPattern: owner.fd))
            buffer.append(UInt8(ascii: "}"))
        }
        buffer.append(contentsOf: "]}".utf8)
    }
}

extension [UInt8] {
    /// Appends `text` with JSON string escapes (``appendJSONEscaped(_:)``).
    mutating func appendJSONEscaped(_ text: String.UTF8View) {
        var string = String(text)
        string.withUTF8 { appendJSONEscaped(bytes: $0) }
    }
}
