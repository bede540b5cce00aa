/// Adds up dumps into ``SocketAggregate``s, keeping its per-port counters (512 KiB) between calls so that an agent
/// aggregating every second allocates nothing per socket and almost nothing per call.
///
/// An aggregator is a `Sendable` value used by one caller at a time; give each thread or task its own (or pass one
/// between them).
public struct SocketAggregator: Sendable {
    /// How many ports (and listeners) each ranking keeps before the "other" bucket.
    public var topPorts: Int
    /// The ephemeral port range that tells server-side TIME_WAIT from client-side (see
    /// ``SocketAggregate/serverTimeWaitPorts``); `nil`: the query's ``SocketQuery/context``, or else
    /// `/proc/sys/net/ipv4/ip_local_port_range` of the calling thread's network namespace, read when a query is
    /// planned (for sockets from another source: at each call). Set it when the sockets come from another
    /// namespace than the calling thread's.
    public var ephemeralPorts: ClosedRange<UInt16>?

    private var timeWait = PortTally()
    private var serverTimeWait = PortTally()
    private var clientTimeWait = PortTally()
    /// TIME_WAIT sockets with an ephemeral local port, `local << 16 | peer`: server-side when the dump has a
    /// listener on the local port, which is known only at its end.
    private var undecidedTimeWait: [UInt32] = []
    private var listening = PortTally()
    private var listeners: [ListenerQueue] = []
    /// The range in use for the aggregate under way.
    private var range: ClosedRange<UInt16> = FilterContext().ephemeralPorts
    /// The plan of the last query dumped, kept while the same query comes again, with the range read for it.
    private var plan: DumpPlan?
    private var plannedRange: ClosedRange<UInt16>?

    /// Creates an aggregator.
    /// - Parameters:
    ///   - topPorts: How many ports each ranking keeps, and how many listeners (at least 0).
    ///   - ephemeralPorts: See ``ephemeralPorts``.
    public init(topPorts: Int = 10, ephemeralPorts: ClosedRange<UInt16>? = nil) {
        self.topPorts = max(0, topPorts)
        self.ephemeralPorts = ephemeralPorts
    }

    /// Dumps the sockets that match `query` with `inspector` and adds them up.
    ///
    /// When the kernel evaluates the whole query, only the fixed header of each reply is read (no ``Socket`` is
    /// built); otherwise each socket is decoded and filtered in Swift first, with the same result.
    ///
    /// The aggregator plans a query once and keeps the plan while later calls pass the same query: an agent that
    /// aggregates every second compiles its filter, and reads the ephemeral port range that `autobound` needs from
    /// `/proc/sys/net/ipv4/ip_local_port_range`, on the first call only. The range is read again when the query
    /// changes; set ``SocketQuery/context`` to choose it instead.
    /// - Parameters:
    ///   - inspector: The inspector to dump with.
    ///   - query: What to count; by default every TCP and UDP socket in every state but bound-inactive.
    /// - Returns: The aggregate.
    /// - Throws: ``SockDiagError``.
    public mutating func aggregate(
        _ inspector: SocketInspector,
        matching query: SocketQuery = SocketQuery(protocols: [.tcp, .udp], states: .all)
    ) throws -> SocketAggregate {
        let plan = try self.plan(for: query)
        var aggregate = start(range: ephemeralPorts ?? plannedRange ?? FilterContext.current().ephemeralPorts)
        if plan.repliesNeedNoDecoding {
            try inspector.forEachRawMessage(following: plan) { transport, payload in
                try add(transport: transport, header: payload, to: &aggregate)
            }
        } else {
            try inspector.forEachSocket(following: plan) { socket in
                add(socket, to: &aggregate)
            }
        }
        finish(&aggregate)
        return aggregate
    }

    /// The plan for `query`: the kept one when it was made for the same query.
    private mutating func plan(for query: SocketQuery) throws(SockDiagError) -> DumpPlan {
        if let plan, plan.query == query { return plan }
        let plan = try DumpPlan(query)
        self.plan = plan
        plannedRange = ephemeralPorts == nil ? (query.context ?? FilterContext.current()).ephemeralPorts : nil
        return plan
    }

    /// Adds up captured reply bytes (datagrams as ``SocketInspector/decode(capturedDump:transport:boundInactiveRequested:_:)``
    /// takes them) the way a live dump's replies are added up: from each reply's header only.
    /// - Parameter capturedDumps: The captures, each with the protocol its request asked for.
    /// - Throws: ``SockDiagError`` for truncated or malformed bytes.
    public mutating func aggregate(
        capturedDumps: [(transport: TransportProtocol, bytes: [UInt8])]
    ) throws -> SocketAggregate {
        var aggregate = start(range: ephemeralPorts ?? FilterContext.current().ephemeralPorts)
        for capture in capturedDumps {
            try capture.bytes.withUnsafeBytes { bytes in
                try runCapturedDump(bytes, operation: "aggregate captured dump") { payload in
                    try add(transport: capture.transport, header: payload, to: &aggregate)
                }
            }
        }
        finish(&aggregate)
        return aggregate
    }

    /// Adds up `sockets` (from any source, e.g. the /proc backend) as ``aggregate(_:matching:)`` does a dump.
    public mutating func aggregate(_ sockets: some Sequence<Socket>) -> SocketAggregate {
        var aggregate = start(range: ephemeralPorts ?? FilterContext.current().ephemeralPorts)
        for socket in sockets { add(socket, to: &aggregate) }
        finish(&aggregate)
        return aggregate
    }

    @inline(__always)
    private mutating func add(_ socket: Socket, to aggregate: inout SocketAggregate) {
        let queues = (socket.receiveQueue, socket.sendQueue)
        let ports = (socket.local.port, socket.peer.port)
        add(socket.transport, socket.family, socket.state, ports.0, ports.1, queues, to: &aggregate) {
            ListenerQueue(
                family: socket.family,
                local: socket.local,
                queued: socket.receiveQueue,
                backlog: socket.sendQueue
            )
        }
    }

    /// Adds a reply from its `inet_diag_msg` header alone: family, state, local port and, for a listener, its local
    /// address and queues.
    @inline(__always)
    private mutating func add(
        transport: TransportProtocol,
        header payload: UnsafeRawBufferPointer,
        to aggregate: inout SocketAggregate
    ) throws(SockDiagError) {
        let message = try InetDiagMessage(payload)
        let queues = (message.receiveQueue, message.sendQueue)
        add(transport, message.family, message.state, message.localPort, message.peerPort, queues, to: &aggregate) {
            ListenerQueue(
                family: message.family,
                local: Endpoint(address: message.localAddress, port: message.localPort),
                queued: message.receiveQueue,
                backlog: message.sendQueue
            )
        }
    }

    /// Counts one socket, and for TCP its queues and its port in the TIME_WAIT or listening rankings; `listener`
    /// describes a listening socket's queue (read only for one).
    @inline(__always)
    private mutating func add(
        _ transport: TransportProtocol,
        _ family: AddressFamily,
        _ state: SocketState,
        _ port: UInt16,
        _ peerPort: UInt16,
        _ queues: (receive: UInt32, send: UInt32),
        to aggregate: inout SocketAggregate,
        listener: () -> ListenerQueue
    ) {
        aggregate.socketsSeen += 1
        aggregate.counts.add(transport, family, state)
        guard transport == .tcp else { return }
        aggregate.tcpReceiveQueueTotal &+= UInt64(queues.receive)
        aggregate.tcpSendQueueTotal &+= UInt64(queues.send)
        switch state {
        case .timeWait:
            timeWait.add(port)
            if range.contains(port) {
                undecidedTimeWait.append(UInt32(port) << 16 | UInt32(peerPort))
            } else {
                serverTimeWait.add(port)
            }
        case .listen:
            listening.add(port)
            listeners.append(listener())
        case .established:
            aggregate.unreadEstablished.add(queues.receive)
        case .closeWait:
            aggregate.unreadCloseWait.add(queues.receive)
        default:
            break
        }
    }

    /// Clears the counters kept from the previous aggregate and returns an empty one.
    private mutating func start(range: ClosedRange<UInt16>) -> SocketAggregate {
        self.range = range
        timeWait.reset()
        serverTimeWait.reset()
        clientTimeWait.reset()
        undecidedTimeWait.removeAll(keepingCapacity: true)
        listening.reset()
        listeners.removeAll(keepingCapacity: true)
        return SocketAggregate(ephemeralPorts: range)
    }

    private mutating func finish(_ aggregate: inout SocketAggregate) {
        // An ephemeral local port with a listener on it is a service's port: server side.
        for entry in undecidedTimeWait {
            let local = UInt16(truncatingIfNeeded: entry >> 16)
            if listening.count(local) > 0 {
                serverTimeWait.add(local)
            } else {
                clientTimeWait.add(UInt16(truncatingIfNeeded: entry))
            }
        }
        aggregate.timeWaitPorts = timeWait.ranking(top: topPorts)
        aggregate.serverTimeWaitPorts = serverTimeWait.ranking(top: topPorts)
        aggregate.clientTimeWaitPorts = clientTimeWait.ranking(top: topPorts)
        aggregate.listenerPorts = listening.ranking(top: topPorts)
        mergeListenerGroups()
        listeners.sort { $0.ranksBefore($1) }
        aggregate.listeners = Array(listeners.prefix(topPorts))
        aggregate.otherListeners = listeners.count - aggregate.listeners.count
    }

    /// Makes the members of each `SO_REUSEPORT` group (one family, address and port) one listener.
    private mutating func mergeListenerGroups() {
        guard listeners.count > 1 else { return }
        listeners.sort { $0.family != $1.family ? $0.family == .inet : $0.addressBefore($1) }
        var kept = 0
        for index in 1..<listeners.count {
            if listeners[index].sharesAddress(with: listeners[kept]) {
                listeners[kept].merge(listeners[index])
            } else {
                kept += 1
                listeners[kept] = listeners[index]
            }
        }
        listeners.removeLast(listeners.count - kept - 1)
    }
}

extension SocketInspector {
    /// Dumps the sockets that match `query` and adds them up without keeping any (see ``SocketAggregator``, which
    /// also keeps its counters between calls).
    /// - Parameters:
    ///   - query: What to count; by default every TCP and UDP socket in every state but bound-inactive.
    ///   - topPorts: How many ports each ranking keeps, and how many listeners.
    /// - Returns: The aggregate.
    /// - Throws: ``SockDiagError``.
    public func aggregate(
        matching query: SocketQuery = SocketQuery(protocols: [.tcp, .udp], states: .all),
        topPorts: Int = 10
    ) throws -> SocketAggregate {
        var aggregator = SocketAggregator(topPorts: topPorts)
        return try aggregator.aggregate(self, matching: query)
    }
}
