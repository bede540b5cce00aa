internal import CSockDiag

/// The unix_diag dump.
extension DumpState {
    /// Dumps the UNIX sockets in `query`'s states and passes those of its types to `body`.
    mutating func dumpUnix(_ query: UnixSocketQuery, _ body: (UnixSocket) throws -> Void) throws -> DumpReport {
        var report = DumpReport()
        let states = query.kernelStates
        guard states != 0 else { return report }
        report.requests = 1
        try runDump(label: "unix") { handle, buffer, sequence in
            CSockDiag_send_unix_dump_request(
                handle,
                buffer.baseAddress,
                buffer.count,
                sequence,
                states,
                UnixDiagParser.show
            )
        } handler: { payload in
            report.messages += 1
            let socket = try UnixDiagParser.parse(payload)
            guard query.matchesType(socket) else { return }
            report.sockets += 1
            try body(socket)
        }
        return report
    }
}
