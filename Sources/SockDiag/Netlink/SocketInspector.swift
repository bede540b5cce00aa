import Synchronization

/// Reads the kernel's socket tables over NETLINK_SOCK_DIAG, as `ss` does.
///
/// An inspector keeps one netlink socket and one 32 KiB receive buffer for its whole life and reuses them for
/// every query, so an agent can query it every second for months without allocating per query beyond the
/// sockets it asks to keep. It sees the network namespace of the thread that created it.
///
/// Thread safety: an inspector is `Sendable`. Queries on one inspector are serialized by a lock (one dump at a
/// time per netlink socket); use one inspector per thread for parallel dumps. The closure passed to
/// ``forEachSocket(matching:_:)`` runs with that lock held: it must not query the same inspector.
public final class SocketInspector: @unchecked Sendable {
    // `state` is only touched with `lock` held.
    private let lock = Mutex(())
    private nonisolated(unsafe) var state: DumpState

    /// Opens the netlink socket in the calling thread's network namespace.
    /// - Throws: ``SockDiagError`` when the socket cannot be opened (`socketUnavailable`, `moduleNotLoaded`,
    ///   `permissionDenied`).
    public init() throws(SockDiagError) {
        state = DumpState(socket: try NetlinkSocket())
    }

    /// The gate the inspector's dumps keep their replies behind while it is closed (``DumpReadAhead``), or `nil`
    /// (the default) to hand every reply over as it arrives. Every dump started while a closed gate is set keeps
    /// up to its limit of replies and waits for it to open; an open gate changes nothing.
    public var readAhead: DumpReadAhead? {
        get { lock.withLock { _ in state.readAhead } }
        set { lock.withLock { _ in state.readAhead = newValue } }
    }

    /// Wraps a socket already open (in whichever namespace it was created).
    init(socket: consuming NetlinkSocket) {
        state = DumpState(socket: socket)
    }

    /// Calls `body` for every socket that matches `query`, as the replies arrive, without collecting them.
    ///
    /// - Parameters:
    ///   - query: What to dump.
    ///   - body: Called once per matching socket. An error it throws stops the dump and is rethrown.
    /// - Throws: ``SockDiagError`` for kernel or netlink failures (the dump is not retried: sockets already
    ///   passed to `body` cannot be taken back), or what `body` throws.
    /// - Returns: What the dump did (requests, replies, where the filter ran and why).
    @discardableResult
    public func forEachSocket(matching query: SocketQuery, _ body: (Socket) throws -> Void) throws -> DumpReport {
        try forEachSocket(following: DumpPlan(query), body)
    }

    /// Calls `body` for every socket that matches the query `plan` was built from.
    @discardableResult
    func forEachSocket(following plan: DumpPlan, _ body: (Socket) throws -> Void) throws -> DumpReport {
        try lock.withLock { _ in
            try state.dump(plan, body)
        }
    }

    /// Calls `body` with the raw reply of every socket that matches `query` (an `inet_diag_msg` and its attributes,
    /// valid only during the call), without passing it on as a ``Socket``.
    ///
    /// This is the floor any decoding costs are measured against, and the way to capture replies. Where the kernel
    /// evaluates the query (its states and filter) the replies are passed on as they arrive; where it cannot (the
    /// program is too long for a request, ``SocketQuery/kernelFiltering`` is off, or the kernel rejects it) each
    /// reply is decoded to check the filter in Swift and passed on only when it matches.
    /// - Parameters:
    ///   - query: What to dump.
    ///   - body: Called once per matching reply message, with the protocol it answers for.
    /// - Throws: ``SockDiagError``, or what `body` throws.
    public func forEachRawMessage(
        matching query: SocketQuery,
        _ body: (TransportProtocol, UnsafeRawBufferPointer) throws -> Void
    ) throws {
        try forEachRawMessage(following: DumpPlan(query), body)
    }

    /// Calls `body` with the raw reply of every socket that matches the query `plan` was built from.
    @discardableResult
    func forEachRawMessage(
        following plan: DumpPlan,
        _ body: (TransportProtocol, UnsafeRawBufferPointer) throws -> Void
    ) throws -> DumpReport {
        try lock.withLock { _ in
            try state.dumpRaw(plan, body)
        }
    }

    /// Calls `body` for every UNIX domain socket that matches `query` (`UNIX_DIAG`), as the replies arrive,
    /// without collecting them. The closure runs with the inspector's lock held: it must not query the same
    /// inspector.
    ///
    /// The kernel lists the UNIX sockets of the inspector's network namespace and filters them by state.
    /// - Parameters:
    ///   - query: The types and states to dump.
    ///   - body: Called once per matching socket. An error it throws stops the dump and is rethrown.
    /// - Throws: ``SockDiagError`` for kernel or netlink failures (`moduleNotLoaded` without unix_diag), or what
    ///   `body` throws.
    /// - Returns: What the dump did (requests, replies, sockets passed on).
    @discardableResult
    public func forEachUnixSocket(
        matching query: UnixSocketQuery,
        _ body: (UnixSocket) throws -> Void
    ) throws -> DumpReport {
        try lock.withLock { _ in
            try state.dumpUnix(query, body)
        }
    }

    /// Sends one `SOCK_DESTROY` request for `socket` and returns the kernel's answer (`nil`: acknowledged).
    func destroyRequest(_ socket: Socket) throws -> Errno? {
        try lock.withLock { _ in
            try state.destroy(socket)
        }
    }

    /// Returns every UNIX domain socket that matches `query`.
    ///
    /// Retries the whole dump up to three times when the kernel flags it as interrupted.
    /// - Parameter query: The types and states to dump.
    /// - Returns: The matching sockets, in the order the kernel sent them.
    /// - Throws: ``SockDiagError``.
    public func unixSockets(matching query: UnixSocketQuery) throws(SockDiagError) -> [UnixSocket] {
        try collectRetryingInterrupted { body in try forEachUnixSocket(matching: query, body) }
    }

    /// Returns every socket that matches `query`.
    ///
    /// Retries the whole dump up to three times when the kernel flags it as interrupted.
    /// - Parameter query: What to dump.
    /// - Returns: The matching sockets, in the order the kernel sent them.
    /// - Throws: ``SockDiagError``.
    public func sockets(matching query: SocketQuery) throws(SockDiagError) -> [Socket] {
        try collectRetryingInterrupted { body in try forEachSocket(matching: query, body) }
    }

    /// Collects what `dump` streams, restarting it (with an empty result) while the kernel flags it as interrupted,
    /// up to ``interruptedDumpAttempts`` times.
    func collectRetryingInterrupted<Element>(
        _ dump: ((Element) throws -> Void) throws -> Void
    ) throws(SockDiagError) -> [Element] {
        var attempt = 0
        while true {
            attempt += 1
            var result: [Element] = []
            do {
                try dump { result.append($0) }
                return result
            } catch let error as SockDiagError {
                if error.code == .dumpInterrupted && attempt < Self.interruptedDumpAttempts { continue }
                throw error
            } catch {
                preconditionFailure("only SockDiagError can escape: \(error)")
            }
        }
    }

    /// Runs `body` on the dump state, with the lock held.
    func withState<Result>(_ body: (inout DumpState) throws -> Result) throws -> Result {
        try lock.withLock { _ in try body(&state) }
    }

    /// How many times ``sockets(matching:)`` tries a dump the kernel flags as interrupted.
    static let interruptedDumpAttempts = 3
}
