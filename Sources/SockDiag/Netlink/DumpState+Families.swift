internal import CSockDiag

/// The dumps of the families with a request of their own: netlink, packet, vsock and XDP sockets.
extension DumpState {
    /// Dumps every netlink socket and passes each to `body`.
    mutating func dumpNetlink(_ body: (NetlinkSocketEntry) throws -> Void) throws -> DumpReport {
        try dumpFamily(.netlink) { payload in
            try body(try NetlinkDiagParser.parse(payload))
            return true
        }
    }

    /// Dumps every packet socket and passes those of `types` (every type when empty) to `body`.
    mutating func dumpPacket(
        types: [PacketSocketType],
        _ body: (PacketSocket) throws -> Void
    ) throws -> DumpReport {
        try dumpFamily(.packet) { payload in
            let socket = try PacketDiagParser.parse(payload)
            guard types.isEmpty || types.contains(socket.type) else { return false }
            try body(socket)
            return true
        }
    }

    /// Sends `request` and passes every reply to `handler`, which returns whether it passed the socket on.
    mutating func dumpFamily(
        _ request: FamilyDumpRequest,
        _ handler: (UnsafeRawBufferPointer) throws -> Bool
    ) throws -> DumpReport {
        var report = DumpReport()
        report.requests = 1
        try runDump(label: request.label) { handle, buffer, sequence in
            let length = request.write(sequence: sequence, to: buffer)
            guard length > 0 else { return -1 }
            return CSockDiag_send(handle, buffer.baseAddress, length)
        } handler: { payload in
            report.messages += 1
            if try handler(payload) { report.sockets += 1 }
        }
        return report
    }
}
