import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads the kernel's socket tables from the text files `/proc/net/tcp`, `tcp6`, `udp` and `udp6`, as `ss` does
/// when sock_diag is unavailable.
///
/// The second backend next to ``SocketInspector``: the fallback when NETLINK_SOCK_DIAG cannot be used (no
/// `inet_diag` module, a seccomp filter) and the comparison in benchmarks. A reader keeps one 256 KiB read buffer
/// for its whole life, parses lines as `read(2)` returns them and allocates nothing per line or per socket.
///
/// What `/proc` cannot tell, compared with sock_diag:
/// - A listener's `sendQueue` is 0: `/proc` does not show the backlog limit that sock_diag reports there.
///   (`receiveQueue` is the accept-queue length in both.)
/// - `cookie` and `interfaceIndex` are 0, IPv6 link-local addresses carry no scope, and `v6Only`, `mark` and
///   `cgroupID` are `nil`; filters on them (`dev`, `fwmark`, `cgroup`) and `autobound` (the kernel's bind lock)
///   are refused with ``SockDiagError/Code/unsupportedFilter`` rather than answered wrongly.
/// - Bound-inactive TCP sockets (state 13) never appear: the files walk only the listening and established
///   hash tables, so asking for ``StateSet/boundInactive`` finds nothing.
/// - Request (SYN-RECV) sockets carry their listener's `uid` (sock_diag reports 0).
/// - Timers come in clock ticks (`USER_HZ`) and are converted to milliseconds rounding up, as ss does, so an
///   expiry is a multiple of 10 ms where sock_diag is exact.
/// - The kernel cannot filter: every line is read and parsed, and the query's states, port conditions and filter
///   are checked in Swift on each socket as its line arrives.
///
/// Like a sock_diag dump, reading a table is not atomic: under churn a socket can be missed or seen twice.
///
/// Thread safety: a reader is `Sendable`. Queries on one reader are serialized by a lock (they share the read
/// buffer). The closure passed to ``forEachSocket(matching:_:)`` runs with that lock held: it must not query the
/// same reader.
public final class ProcSocketReader: Sendable {
    /// The `/proc` directory the tables are read under: `\(procRoot)/net/tcp` and so on.
    public let procRoot: String
    /// `USER_HZ`, the unit of the timer column.
    let clockTicksPerSecond: UInt32
    private let tcp4Path: String
    private let tcp6Path: String
    private let udp4Path: String
    private let udp6Path: String
    private let raw4Path: String
    private let raw6Path: String
    private let buffer: Mutex<ProcReadBuffer>

    /// Size of the read buffer; a line longer than this is reported as malformed.
    static let readBufferSize = 256 * 1024

    /// Creates a reader for the tables under `procRoot`.
    ///
    /// Nothing is opened until a query runs, so a wrong root shows up as a `procUnavailable` error then.
    /// - Parameter procRoot: A `/proc` mount, or a process directory to see that process's network namespace:
    ///   `/proc/1234` reads `/proc/1234/net/tcp`, the tables of the namespace process 1234 is in, and
    ///   `/proc/thread-self` those of the namespace of whichever thread runs the query (`/proc/net` is
    ///   `/proc/self/net`: the namespace of the process's main thread).
    public init(procRoot: String = "/proc") {
        self.procRoot = procRoot
        self.clockTicksPerSecond = Self.systemClockTicksPerSecond
        tcp4Path = "\(procRoot)/net/tcp"
        tcp6Path = "\(procRoot)/net/tcp6"
        udp4Path = "\(procRoot)/net/udp"
        udp6Path = "\(procRoot)/net/udp6"
        raw4Path = "\(procRoot)/net/raw"
        raw6Path = "\(procRoot)/net/raw6"
        buffer = Mutex(ProcReadBuffer(byteCount: Self.readBufferSize))
    }

    /// Calls `body` for every socket that matches `query`, as the lines are read, without collecting them.
    ///
    /// Reads one file per protocol and family, in the query's order (`udp`, `udp6`, `tcp`, `tcp6` by default).
    /// The corresponding C functions are `open(2)` and `read(2)`.
    /// - Parameters:
    ///   - query: What to read; its states, port conditions and filter are checked on each parsed line
    ///     (``SocketQuery/kernelFiltering`` does not apply: the kernel cannot filter these files).
    ///   - body: Called once per matching socket. An error it throws stops the reading and is rethrown.
    /// - Throws: ``SockDiagError`` (`procUnavailable` when a file is missing, `permissionDenied`, `ioFailed`,
    ///   `malformedMessage` for text that does not follow the layout, naming the file and line, `unsupportedFilter`
    ///   for a filter on data the files do not have), or what `body` throws.
    public func forEachSocket(matching query: SocketQuery, _ body: (Socket) throws -> Void) throws {
        let expression = query.effectiveFilter
        if let predicate = Self.unsupportedPredicate(in: expression) {
            throw SockDiagError(
                code: .unsupportedFilter,
                operation: "filter",
                message: "filter: /proc/net has no data for '\(predicate)'; use the sock_diag backend (SocketInspector)"
            )
        }
        let context = query.context ?? FilterContext()
        try buffer.withLock { buffer in
            for transport in query.protocols {
                guard query.kernelStates(for: transport) != nil else { continue }
                for family in query.families {
                    // /proc/net has no table in this format for SCTP and MPTCP: they are netlink-only.
                    guard let path = path(transport, family) else { continue }
                    try buffer.readTable(
                        path: path,
                        transport: transport,
                        family: family,
                        clockTicksPerSecond: clockTicksPerSecond
                    ) { socket in
                        guard query.matchesState(socket) else { return }
                        guard expression == .all || expression.matches(socket, context: context) else { return }
                        try body(socket)
                    }
                }
            }
        }
    }

    /// Returns every socket that matches `query`.
    /// - Parameter query: What to read.
    /// - Returns: The matching sockets, in file order.
    /// - Throws: ``SockDiagError``.
    public func sockets(matching query: SocketQuery) throws(SockDiagError) -> [Socket] {
        var result: [Socket] = []
        do {
            try forEachSocket(matching: query) { result.append($0) }
        } catch let error as SockDiagError {
            throw error
        } catch {
            preconditionFailure("only SockDiagError can escape: \(error)")
        }
        return result
    }

    /// Decodes captured text of one table (`/proc/net/tcp` and so on, header line included) exactly as a live
    /// file is decoded, e.g. a fixture or a benchmark input.
    /// - Parameters:
    ///   - bytes: The text of the whole file.
    ///   - transport: The protocol of the file (`tcp*` or `udp*`).
    ///   - family: The family of the file (`inet` for `tcp` and `udp`, `inet6` for `tcp6` and `udp6`).
    ///   - clockTicksPerSecond: `USER_HZ` of the machine the text comes from; `nil` for this machine's
    ///     (`sysconf(_SC_CLK_TCK)`).
    ///   - body: Called once per socket line, in order.
    /// - Throws: ``SockDiagError`` with code `malformedMessage` (naming the line) for text that does not follow
    ///   the layout or ends inside a line, or what `body` throws.
    public static func decode(
        capturedTable bytes: UnsafeRawBufferPointer,
        transport: TransportProtocol,
        family: AddressFamily,
        clockTicksPerSecond: Int? = nil,
        _ body: (Socket) throws -> Void
    ) throws {
        let hz = clockTicksPerSecond.map { UInt32(clamping: $0) } ?? systemClockTicksPerSecond
        var parser = ProcParser(
            transport: transport,
            family: family,
            clockTicksPerSecond: hz,
            source: "captured \(transport)\(family == .inet6 ? "6" : "") table"
        )
        let consumed = try parser.consumeLines(bytes, body)
        try parser.finish(unconsumedByteCount: bytes.count - consumed)
    }

    /// `USER_HZ` from `sysconf(_SC_CLK_TCK)`, or 100 if it cannot be read.
    static var systemClockTicksPerSecond: UInt32 {
        let ticks = sysconf(Int32(_SC_CLK_TCK))
        return ticks > 0 ? UInt32(clamping: ticks) : 100
    }

    /// The name of the first predicate in `expression` that needs data `/proc/net` does not have (interface,
    /// mark, cgroup, bind lock), or `nil` when the whole filter can be evaluated on what the tables show.
    static func unsupportedPredicate(in expression: FilterExpression) -> String? {
        switch expression {
        case .all, .host, .portAtLeast, .portAtMost: return nil
        case .not(let inner): return unsupportedPredicate(in: inner)
        case .and(let lhs, let rhs), .or(let lhs, let rhs):
            return unsupportedPredicate(in: lhs) ?? unsupportedPredicate(in: rhs)
        case .device: return "dev"
        case .mark: return "fwmark"
        case .cgroup: return "cgroup"
        case .autobound: return "autobound"
        }
    }

    private func path(_ transport: TransportProtocol, _ family: AddressFamily) -> String? {
        switch (transport, family) {
        case (.tcp, .inet): return tcp4Path
        case (.tcp, .inet6): return tcp6Path
        case (.udp, .inet): return udp4Path
        case (.udp, .inet6): return udp6Path
        case (.raw, .inet): return raw4Path
        case (.raw, .inet6): return raw6Path
        case (.sctp, _), (.mptcp, _): return nil
        }
    }
}

/// The reader's reusable read buffer.
///
/// `@unchecked Sendable`: the value is non-copyable and owns its memory alone, so whoever holds it (the reader's
/// mutex) is the only one who can touch the bytes.
struct ProcReadBuffer: ~Copyable, @unchecked Sendable {
    let bytes: UnsafeMutableRawBufferPointer

    init(byteCount: Int) {
        bytes = .allocate(byteCount: byteCount, alignment: 16)
    }

    deinit {
        bytes.deallocate()
    }

    /// Reads the table at `path` and calls `body` for each socket line, parsing lines as they arrive and keeping
    /// a line split across two reads for the next round.
    func readTable(
        path: String,
        transport: TransportProtocol,
        family: AddressFamily,
        clockTicksPerSecond: UInt32,
        _ body: (Socket) throws -> Void
    ) throws {
        let file = try ProcFile(path: path)
        var parser = ProcParser(
            transport: transport,
            family: family,
            clockTicksPerSecond: clockTicksPerSecond,
            source: path
        )
        guard let base = bytes.baseAddress else { return }
        var filled = 0
        while true {
            guard filled < bytes.count else { throw parser.lineTooLong(bufferSize: bytes.count) }
            let count = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[filled...]))
            if count == 0 { break }
            filled += count
            let consumed = try parser.consumeLines(UnsafeRawBufferPointer(start: base, count: filled), body)
            if consumed > 0 {
                // Keep the start of a line the next read completes.
                filled -= consumed
                if filled > 0 { memmove(base, base + consumed, filled) }
            }
        }
        try parser.finish(unconsumedByteCount: filled)
    }
}
