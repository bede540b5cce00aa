import SockDiag

extension TableFormatter {
    /// Appends one row for a UNIX socket, as ss prints it: `u_str ESTAB 0 0 /run/x.sock 1234 * 1235`: the path
    /// (`@name` for an abstract name, whose NUL bytes print as `@`; `*` when unbound) and the inode in the local
    /// column, `*` and the peer's inode (0 for none) in the peer column.
    public func write(_ socket: UnixSocket, to buffer: inout [UInt8]) {
        let width = addressWidth
        let (showsNetid, showsState) = (self.showsNetid, self.showsState)
        buffer.appendWriting(maximum: Self.maximumRow + 2 * width + socket.name.count) { out in
            if showsNetid {
                let start = out.count
                out.put(socket.type.netid)
                out.spaces(6 - (out.count - start))
            }
            if showsState {
                let stateStart = out.count
                out.put(socket.state.columnWord)
                out.spaces(11 - (out.count - stateStart))
            }
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

extension UnixSocketType {
    /// What ss prints in its Netid column: `u_str`, `u_dgr`, `u_seq` (`unix` for anything else).
    var netid: StaticString {
        switch rawValue {
        case 1: return "u_str"
        case 2: return "u_dgr"
        case 5: return "u_seq"
        default: return "unix"
        }
    }
}
