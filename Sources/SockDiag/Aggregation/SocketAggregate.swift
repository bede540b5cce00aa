/// What one dump adds up to, without keeping any socket: counts by protocol × family × state, TCP TIME_WAIT and
/// listening sockets per port (top K plus an "other" bucket), the fullest TCP accept queues, and the TCP data
/// queued in either direction.
///
/// Every part is bounded by K, whatever the number of sockets, so it suits metrics labelled by port.
public struct SocketAggregate: Hashable, Sendable {
    /// Sockets by protocol, family and state.
    public var counts: SocketCounts
    /// TCP TIME_WAIT sockets per local port, whichever side closed first.
    public var timeWaitPorts: PortRanking
    /// Server-side TCP TIME_WAIT sockets per local port (the service's port): those whose local port is a
    /// listener's port in the same dump, or lies outside ``ephemeralPorts``.
    public var serverTimeWaitPorts: PortRanking
    /// Client-side TCP TIME_WAIT sockets per peer port (the service connected to): the others, whose local port is
    /// an ephemeral port that TIME_WAIT holds.
    public var clientTimeWaitPorts: PortRanking
    /// The ephemeral port range that told server-side TIME_WAIT from client-side (`net.ipv4.ip_local_port_range`).
    public var ephemeralPorts: ClosedRange<UInt16>
    /// ESTABLISHED TCP sockets with unread data (Recv-Q > 0), and those bytes.
    public var unreadEstablished: UnreadData
    /// CLOSE_WAIT TCP sockets with unread data: the peer has closed, the application neither reads nor closes.
    public var unreadCloseWait: UnreadData
    /// Σ Recv-Q over every TCP socket, as node_exporter's tcpstat sums it (`rx_queued_bytes`): unread bytes of
    /// connections, and the accept queue of a listener.
    public var tcpReceiveQueueTotal: UInt64
    /// Σ Send-Q over every TCP socket, as node_exporter's tcpstat sums it (`tx_queued_bytes`): unacknowledged
    /// bytes of connections, and the accept queue limit of a listener.
    public var tcpSendQueueTotal: UInt64
    /// TCP listening sockets per local port (several on one port: `SO_REUSEPORT` groups, or one per family).
    public var listenerPorts: PortRanking
    /// The TCP listeners with the fullest accept queues, fullest first (ties: lower port first), at most K; the
    /// members of an `SO_REUSEPORT` group are one listener (see ``ListenerQueue``).
    public var listeners: [ListenerQueue]
    /// TCP listeners (groups counted once) not in ``listeners``.
    public var otherListeners: Int
    /// Every socket the dump passed to the aggregation (after filtering).
    public var socketsSeen: Int

    /// Creates an aggregate.
    public init(
        counts: SocketCounts = SocketCounts(),
        timeWaitPorts: PortRanking = PortRanking(),
        serverTimeWaitPorts: PortRanking = PortRanking(),
        clientTimeWaitPorts: PortRanking = PortRanking(),
        ephemeralPorts: ClosedRange<UInt16> = FilterContext().ephemeralPorts,
        unreadEstablished: UnreadData = UnreadData(),
        unreadCloseWait: UnreadData = UnreadData(),
        tcpReceiveQueueTotal: UInt64 = 0,
        tcpSendQueueTotal: UInt64 = 0,
        listenerPorts: PortRanking = PortRanking(),
        listeners: [ListenerQueue] = [],
        otherListeners: Int = 0,
        socketsSeen: Int = 0
    ) {
        self.counts = counts
        self.timeWaitPorts = timeWaitPorts
        self.serverTimeWaitPorts = serverTimeWaitPorts
        self.clientTimeWaitPorts = clientTimeWaitPorts
        self.ephemeralPorts = ephemeralPorts
        self.unreadEstablished = unreadEstablished
        self.unreadCloseWait = unreadCloseWait
        self.tcpReceiveQueueTotal = tcpReceiveQueueTotal
        self.tcpSendQueueTotal = tcpSendQueueTotal
        self.listenerPorts = listenerPorts
        self.listeners = listeners
        self.otherListeners = otherListeners
        self.socketsSeen = socketsSeen
    }
}

/// Sockets whose receive queue holds data the application has not read, and how many bytes.
public struct UnreadData: Hashable, Sendable {
    /// Sockets with Recv-Q > 0.
    public var sockets: Int
    /// Σ Recv-Q of those sockets.
    public var bytes: UInt64

    /// Creates a count.
    public init(sockets: Int = 0, bytes: UInt64 = 0) {
        self.sockets = sockets
        self.bytes = bytes
    }

    @inline(__always)
    mutating func add(_ queued: UInt32) {
        guard queued > 0 else { return }
        sockets += 1
        bytes &+= UInt64(queued)
    }
}
