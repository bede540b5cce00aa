internal import CSockDiag

/// The unix_diag dump.
extension DumpState {
    /// Dumps the UNIX sockets in `query`'s states and passes those of its types and names to `body`.
    mutating func dumpUnix(_ query: UnixSocketQuery, _ body: (UnixSocket) throws -> Void) throws -> DumpReport {
        var report = DumpReport()
        var selection = UnixSelection(query)
        let states = selection.kernelStates
        let show = query.show
        guard states != 0 else { return report }
        report.requests = 1
        try runDump(label: "unix") { handle, buffer, sequence in
            CSockDiag_send_unix_dump_request(
                handle,
                buffer.baseAddress,
                buffer.count,
                sequence,
                states,
                show
            )
        } handler: { payload in
            report.messages += 1
            if try selection.take(UnixDiagParser.parse(payload), body) { report.sockets += 1 }
        }
        report.sockets += try selection.finish(body)
        return report
    }
}
