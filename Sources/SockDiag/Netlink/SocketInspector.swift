internal import CSockDiag
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
        try lock.withLock { _ in
            try state.dump(query, body)
        }
    }

    /// Calls `body` with the raw reply of every socket the kernel sends for `query` (an `inet_diag_msg` and its
    /// attributes, valid only during the call), without decoding or re-checking it in Swift.
    ///
    /// This is the floor any decoding costs are measured against, and the way to capture replies.
    /// - Parameters:
    ///   - query: What to dump; the kernel applies its states and port conditions.
    ///   - body: Called once per reply message, with the protocol it answers for.
    /// - Throws: ``SockDiagError``, or what `body` throws.
    public func forEachRawMessage(
        matching query: SocketQuery,
        _ body: (TransportProtocol, UnsafeRawBufferPointer) throws -> Void
    ) throws {
        try lock.withLock { _ in
            try state.dumpRaw(query, body)
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
    public func forEachUnixSocket(matching query: UnixSocketQuery, _ body: (UnixSocket) throws -> Void) throws
        -> DumpReport
    {
        try lock.withLock { _ in
            try state.dumpUnix(query, body)
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
    private func collectRetryingInterrupted<Element>(
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

    /// How many times ``sockets(matching:)`` tries a dump the kernel flags as interrupted.
    static let interruptedDumpAttempts = 3

}

extension DumpState {
    mutating func dump(_ query: SocketQuery, _ body: (Socket) throws -> Void) throws -> DumpReport {
        let boundInactive = query.states.contains(.boundInactive)
        let expression = query.effectiveFilter
        var report = DumpReport()
        var bytecode: [UInt8] = []
        var filterInSwift = false
        let context = query.context ?? (expression.needsKernel ? FilterContext.current() : FilterContext())
        if expression != .all {
            if query.kernelFiltering, let code = BytecodeCompiler.compile(expression, context: context) {
                bytecode = code
                report.filterPlacement = .kernel
            } else {
                guard !expression.needsKernel else {
                    throw SockDiagError(
                        code: .requestRejected,
                        operation: "filter",
                        message: "filter: 'autobound' can be evaluated only by the kernel; keep kernel filtering on"
                    )
                }
                filterInSwift = true
                report.filterPlacement = .swift
            }
        }
        // Moved out (not copied), so that the storage stays uniquely referenced and can be overwritten.
        var reuse = self.reuse
        self.reuse = nil
        defer { self.reuse = reuse }
        for (transport, family, states) in Self.requests(for: query) {
            var received = 0
            while true {
                do {
                    report.requests += 1
                    try dumpOne(
                        transport: transport,
                        family: family,
                        states: states,
                        extensions: query.extensions,
                        bytecode: bytecode
                    ) { payload in
                        received += 1
                        let socket = try InetDiagParser.parse(
                            payload,
                            transport: transport,
                            boundInactiveRequested: boundInactive,
                            reuse: &reuse
                        )
                        guard query.matchesState(socket) else { return }
                        if filterInSwift {
                            if expression.usesMarks && socket.mark == nil { throw Self.marksNeedPrivilege }
                            guard expression.matches(socket, context: context) else { return }
                        }
                        report.sockets += 1
                        try body(socket)
                    }
                    report.messages += received
                    break
                } catch let error as SockDiagError
                    where !bytecode.isEmpty && received == 0
                    && (error.code == .requestRejected || error.code == .permissionDenied)
                {
                    // The kernel's audit refused the program: filter in Swift where that gives the same answer.
                    if expression.needsKernel {
                        throw SockDiagError(
                            code: error.code,
                            errno: error.errno,
                            operation: error.operation,
                            message: "\(error.operation): the kernel rejected the filter (\(error.errno.map(String.init(describing:)) ?? "no errno")), and 'autobound' can be evaluated only by the kernel"
                        )
                    }
                    if expression.usesMarks && error.code == .permissionDenied { throw Self.marksNeedPrivilege }
                    report.kernelRejection = error
                    report.filterPlacement = .swift
                    bytecode = []
                    filterInSwift = true
                }
            }
        }
        return report
    }

    static let marksNeedPrivilege = SockDiagError(
        code: .permissionDenied,
        errno: .notPermitted,
        operation: "fwmark filter",
        message: "fwmark filters need CAP_NET_ADMIN: the kernel reports socket marks only to it (run as root)"
    )

    /// The requests a query needs: per protocol, the families (one legacy request for TCP over both families,
    /// which walks the tables once) and the states that protocol can be in.
    static func requests(for query: SocketQuery) -> [(TransportProtocol, UInt8, StateSet)] {
        var requests: [(TransportProtocol, UInt8, StateSet)] = []
        for transport in query.protocols {
            guard let states = query.kernelStates(for: transport) else { continue }
            if transport == .tcp && query.families.contains(.inet) && query.families.contains(.inet6) {
                requests.append((transport, 0, states))
            } else {
                for family in query.families {
                    requests.append((transport, family.rawValue, states))
                }
            }
        }
        return requests
    }

    mutating func dumpRaw(_ query: SocketQuery, _ body: (TransportProtocol, UnsafeRawBufferPointer) throws -> Void) throws {
        let expression = query.effectiveFilter
        let context = query.context ?? (expression.needsKernel ? FilterContext.current() : FilterContext())
        let bytecode = BytecodeCompiler.compile(expression, context: context) ?? []
        for (transport, family, states) in Self.requests(for: query) {
            try dumpOne(
                transport: transport,
                family: family,
                states: states,
                extensions: query.extensions,
                bytecode: bytecode
            ) { payload in
                try body(transport, payload)
            }
        }
    }

    mutating func dumpUnix(_ query: UnixSocketQuery, _ body: (UnixSocket) throws -> Void) throws -> DumpReport {
        var report = DumpReport()
        let states = query.kernelStates
        guard states != 0 else { return report }
        report.requests = 1
        try runDump(label: "unix") { handle, buffer, sequence in
            CSockDiag_send_unix_dump_request(handle, buffer.baseAddress, buffer.count, sequence, states, UnixDiagParser.show)
        } handler: { payload in
            report.messages += 1
            let socket = try UnixDiagParser.parse(payload)
            guard query.matchesType(socket) else { return }
            report.sockets += 1
            try body(socket)
        }
        return report
    }

    private mutating func dumpOne(
        transport: TransportProtocol,
        family: UInt8,
        states: StateSet,
        extensions: SocketExtensions,
        bytecode: [UInt8],
        _ handler: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let label = family == 0 ? "\(transport)" : "\(transport)/\(family == AddressFamily.inet.rawValue ? "inet" : "inet6")"
        do {
            try runDump(label: label) { handle, buffer, sequence in
                bytecode.withUnsafeBytes { code in
                    CSockDiag_send_dump_request(
                        handle,
                        buffer.baseAddress,
                        buffer.count,
                        sequence,
                        family,
                        transport.rawValue,
                        extensions.rawValue,
                        states.rawValue,
                        code.baseAddress,
                        code.count
                    )
                }
            } handler: { payload in
                try handler(payload)
            }
        } catch let error as SockDiagError where transport == .raw && error.code == .moduleNotLoaded {
            throw SockDiagError(
                code: error.code,
                errno: error.errno,
                operation: error.operation,
                message: "\(error.operation): the kernel has no raw_diag handler (CONFIG_INET_RAW_DIAG; `modprobe raw_diag`); /proc/net/raw lists raw sockets (ProcSocketReader)"
            )
        }
    }
}
