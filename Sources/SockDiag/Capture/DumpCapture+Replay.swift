extension DumpCapture {
    /// Calls `body` for every socket of the capture that matches `query`, in the order a live dump would pass them.
    ///
    /// The query is planned as for the kernel (``DumpPlan``); each of its requests is answered by the capture's dumps
    /// of that protocol (and family), decoded as live replies are, and what the kernel would have done (keep the
    /// request's family and states, run the filter) is done in Swift. The capture holds only what its own requests
    /// asked for: states or extensions it was taken without are simply absent.
    /// - Parameters:
    ///   - query: What to list.
    ///   - body: Called once per matching socket. An error it throws stops the replay and is rethrown.
    /// - Throws: ``SockDiagError`` (`malformedMessage` for a dump that does not decode, the kernel's error for a dump
    ///   that failed when it was recorded, `unsupportedFilter` for `autobound` or, in a capture without socket marks,
    ///   `fwmark`), or what `body` throws.
    /// - Returns: Dumps read (``DumpReport/requests``), replies and sockets passed on; the filter ran in Swift.
    @discardableResult
    public func forEachSocket(matching query: SocketQuery, _ body: (Socket) throws -> Void) throws -> DumpReport {
        var inSwift = query
        inSwift.kernelFiltering = false
        let plan: DumpPlan
        do {
            plan = try DumpPlan(inSwift)
        } catch {
            throw Self.unsupported("'autobound' can be evaluated only by the kernel that holds the sockets")
        }
        var report = DumpReport()
        report.filterPlacement = plan.placement
        var reuse: SocketDetails.Storage?
        for request in plan.requests {
            for dump in dumps where dump.answers(request) {
                report.requests += 1
                try replay(dump, operation: "replay \(request.label) dump") { payload in
                    report.messages += 1
                    var socket = try InetDiagParser.parse(
                        payload,
                        transport: request.transport,
                        boundInactiveRequested: dump.request.boundInactiveRequested,
                        reuse: &reuse
                    )
                    guard request.family == nil || socket.family == request.family, query.matchesState(socket),
                        try plan.placement != .swift || Self.filterMatches(socket, plan)
                    else { return }
                    Self.dropUnasked(&socket, asked: query.extensions)
                    report.sockets += 1
                    try body(socket)
                }
            }
        }
        return report
    }

    /// Removes what the capture's request asked for and `asked` does not (a capture taken with `-m -i` listed
    /// without them), so that the socket is what a live dump of the query would give.
    private static func dropUnasked(_ socket: inout Socket, asked: SocketExtensions) {
        if !asked.isSuperset(of: .memory) && socket.memory != nil { socket.memory = nil }
        if !asked.isSuperset(of: .tcpInfo) && (socket.tcpInfo != nil || socket.congestion != nil) {
            socket.tcpInfo = nil
            socket.congestion = nil
            socket.congestionControlInfo = nil
        }
    }

    /// Calls `body` for every UNIX socket of the capture that matches `query` (its states, types and
    /// names), in file order.
    /// - Throws: ``SockDiagError``, or what `body` throws.
    /// - Returns: Dumps read, replies and sockets passed on.
    @discardableResult
    public func forEachUnixSocket(
        matching query: UnixSocketQuery,
        _ body: (UnixSocket) throws -> Void
    ) throws -> DumpReport {
        var report = DumpReport()
        var selection = UnixSelection(query)
        for dump in dumps where dump.request.transport == nil {
            report.requests += 1
            try replay(dump, operation: "replay unix dump") { payload in
                report.messages += 1
                if try selection.take(UnixDiagParser.parse(payload), body) { report.sockets += 1 }
            }
        }
        report.sockets += try selection.finish(body)
        return report
    }

    /// Runs the replies of `dump` through the live decoding path (libmnl's walk and its checks).
    private func replay(
        _ dump: Dump,
        operation: @autoclosure () -> String,
        _ handler: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        try bytes.withUnsafeBytes { raw in
            try runCapturedDump(UnsafeRawBufferPointer(rebasing: raw[dump.range]), operation: operation(), handler: handler)
        }
    }

    /// The plan's filter on `socket`; a capture without marks cannot answer `fwmark`.
    private static func filterMatches(_ socket: Socket, _ plan: DumpPlan) throws(SockDiagError) -> Bool {
        do {
            return try plan.filterMatches(socket)
        } catch {
            throw unsupported("the capture holds no socket marks (taken without CAP_NET_ADMIN): 'fwmark' cannot be answered")
        }
    }

    private static func unsupported(_ detail: String) -> SockDiagError {
        SockDiagError(code: .unsupportedFilter, operation: "replay filter", message: "filter: \(detail)")
    }
}

extension DumpCapture.Dump {
    /// Whether this dump answers `request`: the same protocol, and the family asked for among its own.
    func answers(_ request: DumpPlan.Request) -> Bool {
        self.request.transport == request.transport
            && (self.request.family == nil || request.family == nil || self.request.family == request.family)
    }
}
