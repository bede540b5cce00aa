/// What to ask the kernel for: protocols, families, states and a filter.
///
/// The states go to the kernel as `idiag_states`, the filter (with the port conditions) as
/// `INET_DIAG_REQ_BYTECODE`, so the kernel sends only what matches. Where the kernel cannot filter (it rejects the
/// program, or ``kernelFiltering`` is off) the inspector applies the same filter in Swift, with the same result.
public struct SocketQuery: Hashable, Sendable {
    /// The protocols to dump, in output order.
    public var protocols: [TransportProtocol]
    /// The address families to dump, in output order.
    public var families: [AddressFamily]
    /// The states to dump. Include `boundInactive` only when wanted: it makes the kernel walk its bind hash.
    public var states: StateSet
    /// Port conditions that must all hold (in addition to ``filter``).
    public var ports: [PortMatch]
    /// A filter in ss's expression language that must hold.
    public var filter: FilterExpression
    /// Whether to let the kernel evaluate the filter (the default); when off, every socket of the requested states
    /// is dumped and the filter is applied in Swift.
    public var kernelFiltering: Bool
    /// Extra attributes to ask the kernel for with each socket (`idiag_ext`); none by default, which is the
    /// cheapest dump.
    public var extensions: SocketExtensions
    /// Whether to count the sockets the kernel reports more than once in one dump (by socket cookie) in
    /// ``DumpReport/repeatedSockets``; off by default.
    ///
    /// The kernel resumes a dump that fills more than one reply batch at a hash bucket and an index inside it;
    /// a socket added to or removed from that bucket in between shifts the index, so one socket is sent twice or one
    /// is skipped. inet_diag never sets `NLM_F_DUMP_INTR` for it. Repeats are rare with the default (large) hash
    /// tables and frequent with small ones (`net.ipv4.tcp_child_ehash_entries`); skips cannot be seen at all.
    /// Detection keeps one set of cookies per inspector, reused from dump to dump.
    public var detectRepeats = false
    /// The owners the kernel attached to the sockets (``SocketOwnerScanner/attachOwners(namespaceInode:)``): the
    /// dump asks for each TCP socket's record (``Socket/storedOwners``); `nil` (the default) for none.
    /// Over netlink only: a capture or `/proc` has no records.
    public var owners: SocketOwnerStorage?

    /// Creates a query.
    /// - Parameters:
    ///   - protocols: The protocols, by default UDP then TCP (ss's order).
    ///   - families: The families, by default IPv4 then IPv6.
    ///   - states: The states, by default what ss shows without `-a` (``StateSet/ssDefault``).
    ///   - ports: Port conditions that must all hold.
    ///   - filter: A filter expression that must hold.
    ///   - kernelFiltering: Whether the kernel may evaluate the filter.
    ///   - extensions: Extra attributes to ask for with each socket (``SocketExtensions/tcpInfo``,
    ///     ``SocketExtensions/memory``).
    public init(
        protocols: [TransportProtocol] = [.udp, .tcp],
        families: [AddressFamily] = [.inet, .inet6],
        states: StateSet = .ssDefault,
        ports: [PortMatch] = [],
        filter: FilterExpression = .all,
        kernelFiltering: Bool = true,
        extensions: SocketExtensions = []
    ) {
        self.protocols = protocols
        self.families = families
        self.states = states
        self.ports = ports
        self.filter = filter
        self.kernelFiltering = kernelFiltering
        self.extensions = extensions
    }

    /// ``filter`` and every port condition, as one expression.
    public var effectiveFilter: FilterExpression {
        ports.reduce(filter) { $0 && $1.expression }
    }

    /// Whether `socket` satisfies the states, the port conditions and the filter, evaluated in Swift.
    @inline(__always)
    public func matches(_ socket: Socket) -> Bool {
        guard matchesState(socket) else { return false }
        for condition in ports where !condition.matches(socket) {
            return false
        }
        return filter.matches(socket, context: context ?? FilterContext())
    }

    /// What the filter's userspace checks need (the ephemeral port range for `autobound`); `nil` reads it from
    /// /proc/sys when a dump needs it.
    public var context: FilterContext?

    @inline(__always)
    func matchesState(_ socket: Socket) -> Bool {
        states.contains(socket.state) || (socket.state == .newSynRecv && states.contains(.synRecv))
    }

    /// The state mask to send for `transport`: the requested states it can be in, or `nil` when it can be
    /// in none of them (the dump is skipped).
    func kernelStates(for transport: TransportProtocol) -> StateSet? {
        let wanted = states.intersection(transport.possibleStates)
        return wanted.isEmpty ? nil : wanted
    }
}
