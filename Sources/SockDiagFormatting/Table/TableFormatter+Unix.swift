import SockDiag

extension TableFormatter {
    /// Appends one row for a UNIX socket, as ss prints it: `u_str ESTAB 0 0 /run/x.sock 1234 * 1235`: the path
    /// (`@name` for an abstract name, whose NUL bytes print as `@`; `*` when unbound) and the inode in the local
    /// column, `*` and the peer's inode (0 for none) in the peer column. Control characters and bytes that are not
    /// UTF-8 in the name print as `?`.
    ///
    /// With ``details``, ss's UNIX details follow on the same line: ``OutputDetails/memory`` ` skmem:(…)`,
    /// ``OutputDetails/extended`` the shutdown arrows (` <->`), ` ino:N dev:MAJOR/MINOR` for a socket bound to a
    /// path (the file's inode; the device as ss prints it, glibc's `major()`/`minor()` of the kernel's encoding) and
    /// ` peers:` with the inodes of the sockets whose connections wait in a listener's accept queue.
    public func write(_ socket: UnixSocket, to buffer: inout [UInt8]) {
        writeUnix(socket, owners: nil, to: &buffer)
    }

    /// Appends one row for a UNIX socket with ss's Process column after the peer column (``write(_:to:)`` and
    /// ``write(_:owners:to:)`` for internet sockets): `users:(("name",pid=N,fd=M),…)`, or `(no process found)`.
    /// - Parameters:
    ///   - socket: The socket.
    ///   - owners: Its owners (`SocketOwnerScan/owners`), empty when none were found.
    ///   - buffer: Where to append.
    public func write(_ socket: UnixSocket, owners: [SocketOwner], to buffer: inout [UInt8]) {
        writeUnix(socket, owners: owners, to: &buffer)
    }

    private func writeUnix(_ socket: UnixSocket, owners: [SocketOwner]?, to buffer: inout [UInt8]) {
        let width = addressWidth
        let (showsNetid, showsState, cells) = (self.showsNetid, self.showsState, writesCells)
        let queues = !details.contains(.noQueues)
        buffer.appendWriting(maximum: Self.maximumRow + 2 * width + socket.name.count) { out in
            if showsNetid {
                let start = out.count
                out.put(socket.type.netid)
                out.endColumn(from: start, width: 6, cells: cells)
            }
            if showsState {
                let stateStart = out.count
                out.put(socket.state.columnWord)
                out.endColumn(from: stateStart, width: 11, cells: cells)
            }
            if queues { out.queues(socket.receiveQueue, socket.sendQueue, cells: cells) }
            Self.writeUnixEndpoints(socket, width: cells ? nil : width, to: &out)
        }
        if let owners {
            // ss's cell starts with a space (` users:(…)`).
            buffer.appendSpaces(cells ? 1 : max(1, 7 - Self.digits(socket.peerInode)))
            Self.appendUsers(owners, to: &buffer)
            if cells { buffer.append(ColumnLayout.cellEnd) }
        }
        let details = self.details
        buffer.appendWriting(maximum: 160 + 11 * (socket.pendingPeers?.count ?? 0)) { out in
            Self.writeUnixDetails(socket, details: details, to: &out)
            out.put(cells ? ColumnLayout.cellEnd : UInt8(ascii: "\n"))
        }
    }

    /// ss's `sock_addr_print` for a UNIX socket: the name (`*` unbound) and a space, then the inode; the peer's
    /// `* ` and inode. In fixed widths (`width` not `nil`) the names are right-aligned in `width` columns, else each
    /// part ends a cell.
    private static func writeUnixEndpoints(_ socket: UnixSocket, width: Int?, to out: inout ByteWriter) {
        let cells = width == nil
        out.spaces((width ?? 0) - max(socket.name.count, 1))
        if socket.name.isEmpty {
            out.put(UInt8(ascii: "*"))
        } else {
            out.putSafe(socket.name, nul: socket.isAbstract ? UInt8(ascii: "@") : UInt8(ascii: "?"))
        }
        out.put(UInt8(ascii: " "))
        if cells { out.put(ColumnLayout.cellEnd) }
        let inodeStart = out.count
        out.decimal(socket.inode)
        out.endColumn(from: inodeStart, width: 6, cells: cells)
        out.spaces((width ?? 0) - 1)
        out.put("* ")
        if cells { out.put(ColumnLayout.cellEnd) }
        out.decimal(socket.peerInode)
        if cells { out.put(ColumnLayout.cellEnd) }
    }

    /// ss's `unix_show_sock` details: `skmem`, then the shutdown arrows, `ino:`/`dev:` and `peers:`.
    private static func writeUnixDetails(_ socket: UnixSocket, details: OutputDetails, to out: inout ByteWriter) {
        if details.contains(.memory), let memory = socket.memory {
            writeMemory(SocketMemory(counters: memory), to: &out)
        }
        guard details.contains(.extended) else { return }
        if let shutdown = socket.shutdown {
            out.put(UInt8(ascii: " "))
            out.put(shutdown.contains(.receive) ? UInt8(ascii: "-") : UInt8(ascii: "<"))
            out.put(UInt8(ascii: "-"))
            out.put(shutdown.contains(.send) ? UInt8(ascii: "-") : UInt8(ascii: ">"))
        }
        if let file = socket.file {
            out.put(" ino:")
            out.decimal(file.inode)
            // glibc's major()/minor() of a 32-bit value holding the kernel's (not glibc's) encoding, as ss.
            out.put(" dev:")
            out.decimal((file.device >> 8) & 0xFFF)
            out.put(UInt8(ascii: "/"))
            out.decimal((file.device & 0xFF) | ((file.device >> 12) & 0xF_FF00))
        }
        if let peers = socket.pendingPeers {
            out.put(" peers:")
            for peer in peers {
                out.put(UInt8(ascii: " "))
                out.decimal(peer)
            }
        }
    }

    /// The number of decimal digits of `value`.
    static func digits(_ value: UInt32) -> Int {
        var count = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            count += 1
        }
        return count
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
