/// What one query sends and where its filter runs, decided once from a ``SocketQuery``; every inet_diag dump (of
/// sockets, of raw replies, of counts, of aggregates) follows its query's plan.
///
/// The filter runs in the kernel (`INET_DIAG_REQ_BYTECODE`) when the query allows it and the program fits a request;
/// otherwise Swift evaluates it on each decoded socket, with the same answer (`autobound`, which only the kernel can
/// decide, then fails the query). A kernel that refuses the program moves the filter to Swift for the rest of that
/// dump (``checkSwiftCanFilter(afterKernelRejected:)``).
///
/// Building a plan reads the ephemeral port range (`/proc/sys/net/ipv4/ip_local_port_range`, in the calling thread's
/// network namespace) only when the filter needs it (`autobound`) and the query does not set
/// ``SocketQuery/context``: once per plan, not per dump of it.
struct DumpPlan: Sendable {
    /// One dump request.
    struct Request: Sendable {
        /// The protocol asked for (the replies do not say).
        let transport: TransportProtocol
        /// The family asked for; `nil` for both at once (TCP's legacy request, which walks the tables once).
        let family: AddressFamily?
        /// The states asked for (`idiag_states`).
        let states: StateSet

        /// The request's name in error messages: `tcp`, `udp/inet`, ….
        var label: String {
            guard let family else { return "\(transport)" }
            return "\(transport)/\(family == .inet ? "inet" : "inet6")"
        }
    }

    /// The query the plan was built from.
    let query: SocketQuery
    /// The requests, in output order: per protocol, the families and the states that protocol can be in.
    let requests: [Request]
    /// The filter with the query's port conditions.
    let filter: FilterExpression
    /// What the filter's checks need (the ephemeral port range).
    let context: FilterContext
    /// Where the filter runs, unless the kernel rejects the program.
    let placement: DumpReport.FilterPlacement
    /// The program sent with every request: empty unless ``placement`` is `kernel`.
    let bytecode: [UInt8]
    /// Whether the filter uses socket marks, which the kernel reports only to CAP_NET_ADMIN.
    let usesMarks: Bool

    /// Plans `query`.
    /// - Throws: ``SockDiagError`` with code `requestRejected` when the filter uses `autobound` and the kernel may
    ///   not or cannot evaluate it.
    init(_ query: SocketQuery) throws(SockDiagError) {
        let filter = query.effectiveFilter
        let context = query.context ?? (filter.needsKernel ? FilterContext.current() : FilterContext())
        self.query = query
        self.requests = Self.requests(for: query)
        self.filter = filter
        self.context = context
        self.usesMarks = filter.usesMarks
        if filter == .all {
            placement = .none
            bytecode = []
        } else if query.kernelFiltering, let code = BytecodeCompiler.compile(filter, context: context) {
            placement = .kernel
            bytecode = code
        } else {
            guard !filter.needsKernel else {
                throw SockDiagError(
                    code: .requestRejected,
                    operation: "filter",
                    message: "filter: 'autobound' can be evaluated only by the kernel; keep kernel filtering on"
                )
            }
            placement = .swift
            bytecode = []
        }
    }

    /// Whether the requests asked for bound-inactive TCP sockets, which the kernel reports as `TCP_CLOSE`.
    var boundInactiveRequested: Bool { query.states.contains(.boundInactive) }

    /// Whether every reply the kernel sends is an answer as it stands, so a reader of its fixed header alone (a
    /// counter) needs no decoding: the kernel evaluates the whole filter and no state is renamed in Swift.
    var repliesNeedNoDecoding: Bool { placement != .swift && !boundInactiveRequested }

    /// Checks that Swift can evaluate the filter, with the kernel's answer, after the kernel refused the program
    /// with `rejection`.
    /// - Throws: `rejection`, explained, when the filter uses `autobound`; a `permissionDenied` error when the kernel
    ///   refused a filter on marks for want of privilege (it would not report the marks either).
    func checkSwiftCanFilter(afterKernelRejected rejection: SockDiagError) throws(SockDiagError) {
        if filter.needsKernel {
            let errno = rejection.errno.map(String.init(describing:)) ?? "no errno"
            throw SockDiagError(
                code: rejection.code,
                errno: rejection.errno,
                operation: rejection.operation,
                message: "\(rejection.operation): the kernel rejected the filter (\(errno)), and 'autobound' can be "
                    + "evaluated only by the kernel"
            )
        }
        if usesMarks && rejection.code == .permissionDenied { throw Self.marksNeedPrivilege }
    }

    /// Whether `socket` passes the filter, evaluated in Swift.
    /// - Throws: ``SockDiagError`` with code `permissionDenied` when the filter uses marks and the kernel did not
    ///   report the socket's (it reports them only to CAP_NET_ADMIN).
    @inline(__always)
    func filterMatches(_ socket: Socket) throws(SockDiagError) -> Bool {
        if usesMarks && socket.mark == nil { throw Self.marksNeedPrivilege }
        return filter.matches(socket, context: context)
    }

    static let marksNeedPrivilege = SockDiagError(
        code: .permissionDenied,
        errno: .notPermitted,
        operation: "fwmark filter",
        message: "fwmark filters need CAP_NET_ADMIN: the kernel reports socket marks only to it (run as root)"
    )

    /// The requests `query` needs: per protocol, the families (one legacy request for TCP over both families, which
    /// walks the tables once) and the states that protocol can be in.
    private static func requests(for query: SocketQuery) -> [Request] {
        var requests: [Request] = []
        for transport in query.protocols {
            guard let states = query.kernelStates(for: transport) else { continue }
            if transport == .tcp && query.families.contains(.inet) && query.families.contains(.inet6) {
                requests.append(Request(transport: transport, family: nil, states: states))
            } else {
                for family in query.families {
                    requests.append(Request(transport: transport, family: family, states: states))
                }
            }
        }
        return requests
    }
}
