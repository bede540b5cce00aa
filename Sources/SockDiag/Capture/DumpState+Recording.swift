internal import CSockDiag

/// Recording dumps as ``DumpCapture`` reads them.
extension DumpState {
    /// Sends `plan`'s requests without a filter program, TCP's first (so that ss reads the file as its own), and
    /// writes every reply datagram, each dump followed by its request.
    mutating func record(
        _ plan: DumpPlan,
        to write: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> DumpReport {
        try withoutActuallyEscaping(write) { write in try record(plan, escaping: write) }
    }

    private mutating func record(
        _ plan: DumpPlan,
        escaping write: @escaping (UnsafeRawBufferPointer) throws -> Void
    ) throws -> DumpReport {
        var report = DumpReport()
        let tcpFirst = plan.requests.filter { $0.transport == .tcp } + plan.requests.filter { $0.transport != .tcp }
        for request in tcpFirst {
            report.requests += 1
            try dumpOne(request, extensions: plan.query.extensions, bytecode: [], observe: write) { _ in
                report.messages += 1
            }
            let recorded = DumpCapture.Request(
                transport: request.transport,
                family: request.family,
                states: request.states,
                extensions: plan.query.extensions
            )
            try recorded.message.withUnsafeBytes(write)
        }
        report.sockets = report.messages
        return report
    }

    /// Sends `query`'s UNIX dump request and writes every reply datagram, then the request.
    mutating func recordUnix(
        _ query: UnixSocketQuery,
        to write: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> DumpReport {
        try withoutActuallyEscaping(write) { write in try recordUnix(query, escaping: write) }
    }

    private mutating func recordUnix(
        _ query: UnixSocketQuery,
        escaping write: @escaping (UnsafeRawBufferPointer) throws -> Void
    ) throws -> DumpReport {
        var report = DumpReport()
        let states = query.kernelStates
        guard states != 0 else { return report }
        report.requests = 1
        try runDump(
            label: "unix",
            send: { handle, buffer, sequence in
                CSockDiag_send_unix_dump_request(
                    handle, buffer.baseAddress, buffer.count, sequence, states, query.show
                )
            },
            observe: write,
            handler: { _ in report.messages += 1 }
        )
        let recorded = DumpCapture.Request(
            transport: nil,
            family: nil,
            states: StateSet(rawValue: states),
            extensions: nil
        )
        try recorded.message.withUnsafeBytes(write)
        report.sockets = report.messages
        return report
    }
}
