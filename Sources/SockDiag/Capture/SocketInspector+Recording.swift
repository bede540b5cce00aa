extension SocketInspector {
    /// Records the replies to `query`'s dumps as ``DumpCapture`` reads them (and `ss` with `TCPDIAG_FILE`): every
    /// reply datagram as the kernel sent it, each dump followed by its request, TCP's dump first.
    ///
    /// The capture holds every socket of the query's protocols, families and states, with its extensions: the
    /// filter and the port conditions are left out (as `ss -D` does), to be applied when the capture is read.
    /// - Parameters:
    ///   - query: What to dump.
    ///   - write: Called with each datagram and each request, in file order; an error it throws stops the dump.
    /// - Throws: ``SockDiagError`` for kernel or netlink failures (what was written so far is an incomplete
    ///   capture), or what `write` throws.
    /// - Returns: The requests sent and the sockets recorded.
    @discardableResult
    public func record(
        _ query: SocketQuery,
        to write: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> DumpReport {
        var unfiltered = query
        unfiltered.filter = .all
        unfiltered.ports = []
        let plan = try DumpPlan(unfiltered)
        return try withState { state in try state.record(plan, to: write) }
    }

    /// Records the replies to `query`'s UNIX dump as ``DumpCapture`` reads them, followed by the request.
    /// - Parameters:
    ///   - query: The states to dump (all types are recorded).
    ///   - write: Called with each datagram and the request, in file order.
    /// - Throws: ``SockDiagError``, or what `write` throws.
    /// - Returns: The requests sent and the sockets recorded.
    @discardableResult
    public func recordUnix(
        _ query: UnixSocketQuery,
        to write: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> DumpReport {
        try withState { state in try state.recordUnix(query, to: write) }
    }
}
