internal import CSockDiag

/// The inet_diag dumps (TCP, UDP, raw), each following a ``DumpPlan``.
extension DumpState {
    /// Decodes every reply of `plan`'s requests and passes the sockets that match the query to `body`.
    mutating func dump(_ plan: DumpPlan, _ body: (Socket) throws -> Void) throws -> DumpReport {
        // Moved out (not copied), so that the storage stays uniquely referenced and can be overwritten.
        var reuse = self.reuse
        self.reuse = nil
        defer { self.reuse = reuse }
        return try forEachReply(plan) { transport, payload, filterInSwift in
            let socket = try InetDiagParser.parse(
                payload,
                transport: transport,
                boundInactiveRequested: plan.boundInactiveRequested,
                reuse: &reuse
            )
            guard plan.query.matchesState(socket) else { return false }
            if filterInSwift {
                guard try plan.filterMatches(socket) else { return false }
            }
            try body(socket)
            return true
        }
    }

    /// Passes the replies of `plan`'s requests that match its filter to `body`, undecoded. Where the kernel filters
    /// (or there is no filter), every reply matches; where Swift filters, each reply is decoded to check it.
    mutating func dumpRaw(
        _ plan: DumpPlan,
        _ body: (TransportProtocol, UnsafeRawBufferPointer) throws -> Void
    ) throws -> DumpReport {
        var reuse = self.reuse
        self.reuse = nil
        defer { self.reuse = reuse }
        return try forEachReply(plan) { transport, payload, filterInSwift in
            if filterInSwift {
                let socket = try InetDiagParser.parse(
                    payload,
                    transport: transport,
                    boundInactiveRequested: plan.boundInactiveRequested,
                    reuse: &reuse
                )
                guard try plan.filterMatches(socket) else { return false }
            }
            try body(transport, payload)
            return true
        }
    }

    /// Sends `plan`'s requests and passes every reply to `handler` with the request's protocol and whether Swift
    /// evaluates the filter; `handler` returns whether it passed the reply on.
    ///
    /// When the kernel refuses the program before the first reply of a request, the filter moves to Swift (where
    /// ``DumpPlan/checkSwiftCanFilter(afterKernelRejected:)`` allows it) for that request and the rest.
    /// - Returns: The requests, replies and replies passed on, and where the filter ran.
    private mutating func forEachReply(
        _ plan: DumpPlan,
        _ handler: (TransportProtocol, UnsafeRawBufferPointer, _ filterInSwift: Bool) throws -> Bool
    ) throws -> DumpReport {
        var report = DumpReport()
        report.filterPlacement = plan.placement
        var bytecode = plan.bytecode
        // Moved out for the dump (the handlers cannot touch `self`), so that its storage stays uniquely referenced.
        var repeats = plan.query.detectRepeats ? self.repeats : nil
        self.repeats = RepeatDetector()
        repeats?.reset()
        defer { if let repeats { self.repeats = repeats } }
        for request in plan.requests {
            var received = 0
            while true {
                do {
                    report.requests += 1
                    let filterInSwift = report.filterPlacement == .swift
                    try dumpOne(
                        request,
                        extensions: plan.query.extensions,
                        bytecode: bytecode,
                        storageMap: plan.query.owners?.map ?? -1
                    ) { payload in
                        received += 1
                        if try repeats?.isRepeat(payload) == true { report.repeatedSockets += 1 }
                        if try handler(request.transport, payload, filterInSwift) { report.sockets += 1 }
                    }
                    report.messages += received
                    break
                } catch let error as SockDiagError
                    where !bytecode.isEmpty && received == 0
                    && (error.code == .requestRejected || error.code == .permissionDenied)
                {
                    // The kernel's audit refused the program: filter in Swift where that gives the same answer.
                    try plan.checkSwiftCanFilter(afterKernelRejected: error)
                    report.kernelRejection = error
                    report.filterPlacement = .swift
                    bytecode = []
                }
            }
        }
        return report
    }

    /// Sends one inet_diag dump request and passes every reply payload to `handler` (and every datagram to
    /// `observe`).
    mutating func dumpOne(
        _ request: DumpPlan.Request,
        extensions: SocketExtensions,
        bytecode: [UInt8],
        storageMap: Int32 = -1,
        observe: ((UnsafeRawBufferPointer) throws -> Void)? = nil,
        _ handler: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        do {
            try runDump(
                label: request.label,
                send: { handle, buffer, sequence in
                    bytecode.withUnsafeBytes { code in
                        CSockDiag_send_dump_request(
                            handle,
                            buffer.baseAddress,
                            buffer.count,
                            sequence,
                            request.family?.rawValue ?? 0,
                            request.transport.rawValue,
                            extensions.rawValue,
                            request.states.rawValue,
                            code.baseAddress,
                            code.count,
                            storageMap
                        )
                    }
                },
                observe: observe,
                handler: handler
            )
        } catch let error as SockDiagError where request.transport == .raw && error.code == .moduleNotLoaded {
            throw SockDiagError(
                code: error.code,
                errno: error.errno,
                operation: error.operation,
                message:
                    "\(error.operation): the kernel has no raw_diag handler (CONFIG_INET_RAW_DIAG; "
                    + "`modprobe raw_diag`); /proc/net/raw lists raw sockets (ProcSocketReader)"
            )
        }
    }
}
