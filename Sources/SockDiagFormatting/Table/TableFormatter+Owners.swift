import SockDiag

extension TableFormatter {
    /// Appends the header line with ss's `Process` column after the peer column (for `ss -p`'s output).
    /// - Parameters:
    ///   - processColumn: Whether to add the `Process` column; without it, the same as ``writeHeader(to:)``.
    ///   - buffer: Where to append.
    public func writeHeader(processColumn: Bool, to buffer: inout [UInt8]) {
        guard !writesCells else {
            writeHeaderCells(processColumn: processColumn, to: &buffer)
            return
        }
        let start = buffer.count
        writeHeader(to: &buffer)
        guard processColumn, buffer.last == UInt8(ascii: "\n") else { return }
        buffer.removeLast()
        buffer.appendSpaces(start + processColumnOffset - buffer.count)
        buffer.append(contentsOf: "Process\n".utf8)
    }

    /// Appends one row for `socket` with ss's Process column after the peer column.
    ///
    /// The column is what `ss -p` prints, `users:(("nginx",pid=1234,fd=6),("nginx",pid=1235,fd=6))`, when
    /// `owners` is not empty. Where ss prints nothing, it says why:
    /// - `(no process: time-wait)`, `(no process: not accepted yet)` (SYN-RECV), `(no process: in accept queue)`
    ///   (ESTAB or CLOSE-WAIT: the kernel completed the connection, the listening process has not accepted it) or
    ///   `(no process: closed)` (FIN-WAIT, CLOSING, LAST-ACK after the process closed it): the socket has no file
    ///   (inode 0), so no process can hold it;
    /// - `(no process found)`: the socket has a file but no scanned process holds it (a process that could not be
    ///   read, one in another PID namespace, or a socket held only by the kernel or in flight between processes).
    ///
    /// Control characters in a command name are written as `?` (``TerminalText``).
    /// - Parameters:
    ///   - socket: The socket.
    ///   - owners: Its owners (`SocketOwnerScan/owners`), empty when none were found.
    ///   - buffer: Where to append.
    public mutating func write(_ socket: Socket, owners: [SocketOwner], to buffer: inout [UInt8]) {
        // As ss: the Process column right after the peer, then the details (-o, -e, -m, -i).
        writeColumns(socket, to: &buffer)
        // ss's cell starts with a space (` users:(…)`).
        buffer.appendSpaces(writesCells ? 1 : max(1, 6 - peerPortLength))
        Self.appendProcessColumn(socket, owners: owners, to: &buffer)
        if writesCells { buffer.append(ColumnLayout.cellEnd) }
        writeDetailsAndNewline(socket, to: &buffer)
    }

    /// Appends one row for `socket` with ss's Process column, its owners looked up in `table`: the same row as
    /// ``write(_:owners:to:)`` with `table.owners(of: socket.inode)`, each process's part from `text` (made from
    /// `table`), nothing allocated.
    /// - Parameters:
    ///   - socket: The socket.
    ///   - table: The owners of every socket (``SocketOwnerScanner/allOwners()``).
    ///   - text: `OwnerText(table)`, made once for all rows.
    ///   - buffer: Where to append.
    @inline(__always)
    public mutating func write(
        _ socket: Socket,
        ownersIn table: SocketOwnerTable,
        text: OwnerText,
        to buffer: inout [UInt8]
    ) {
        writeColumns(socket, to: &buffer)
        buffer.appendSpaces(writesCells ? 1 : max(1, 6 - peerPortLength))
        if socket.inode == 0 {
            Self.appendProcessColumn(socket, owners: [], to: &buffer)
        } else {
            Self.appendUsers(of: socket.inode, in: table, text: text, to: &buffer)
        }
        if writesCells { buffer.append(ColumnLayout.cellEnd) }
        writeDetailsAndNewline(socket, to: &buffer)
    }

    /// ``appendUsers(_:to:)`` for the owners of the socket `inode` in `table`, with each process's text from
    /// `text`.
    @inline(__always)
    static func appendUsers(of inode: UInt64, in table: SocketOwnerTable, text: OwnerText, to buffer: inout [UInt8]) {
        var first = true
        table.forEachDescriptor(of: inode) { pid, fd in
            buffer.append(contentsOf: first ? "users:(".utf8 : ",".utf8)
            first = false
            text.withText(of: pid) { prefix in
                if let prefix {
                    buffer.append(contentsOf: prefix)
                } else {
                    OwnerText.appendPrefix(command: "", pid: pid, to: &buffer)
                }
            }
            buffer.appendDecimal(UInt32(bitPattern: fd))
            buffer.append(UInt8(ascii: ")"))
        }
        buffer.append(contentsOf: first ? "(no process found)".utf8 : ")".utf8)
    }

    /// Where the Process column starts in a row whose addresses fit their columns: the fixed columns, two
    /// endpoints of `addressWidth` with a colon and a port padded to 6.
    var processColumnOffset: Int { 6 + 11 + (details.contains(.noQueues) ? 0 : 14) + 2 * (addressWidth + 1 + 6) }

    /// Writes the Process column's text.
    static func appendProcessColumn(_ socket: Socket, owners: [SocketOwner], to buffer: inout [UInt8]) {
        guard socket.inode != 0 else {
            switch socket.state {
            case .timeWait: buffer.append(contentsOf: "(no process: time-wait)".utf8)
            case .synRecv, .newSynRecv: buffer.append(contentsOf: "(no process: not accepted yet)".utf8)
            // Only a connection in a listener's accept queue is established (or closing by its peer) without a
            // file: a process that closes its socket moves it to FIN-WAIT-1 or LAST-ACK.
            case .established, .closeWait: buffer.append(contentsOf: "(no process: in accept queue)".utf8)
            default: buffer.append(contentsOf: "(no process: closed)".utf8)
            }
            return
        }
        appendUsers(owners, to: &buffer)
    }

    /// `users:(("nginx",pid=1234,fd=6),…)`, or `(no process found)` when `owners` is empty; command names made
    /// safe for a terminal (``TerminalText``).
    static func appendUsers(_ owners: [SocketOwner], to buffer: inout [UInt8]) {
        guard !owners.isEmpty else {
            buffer.append(contentsOf: "(no process found)".utf8)
            return
        }
        buffer.append(contentsOf: "users:(".utf8)
        for (index, owner) in owners.enumerated() {
            buffer.append(contentsOf: index == 0 ? "(\"".utf8 : ",(\"".utf8)
            var command = owner.command
            command.withUTF8 { buffer.appendSafe($0) }
            buffer.append(contentsOf: "\",pid=".utf8)
            buffer.appendDecimal(UInt32(bitPattern: owner.pid))
            if let tid = owner.tid {
                buffer.append(contentsOf: ",tid=".utf8)
                buffer.appendDecimal(UInt32(bitPattern: tid))
            }
            buffer.append(contentsOf: ",fd=".utf8)
            buffer.appendDecimal(UInt32(bitPattern: owner.fd))
            buffer.append(UInt8(ascii: ")"))
        }
        buffer.append(UInt8(ascii: ")"))
    }
}
