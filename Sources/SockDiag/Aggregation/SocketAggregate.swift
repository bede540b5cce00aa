/// What one dump adds up to, without keeping any socket: counts by protocol × family × state, TCP TIME_WAIT and
/// listening sockets per local port (top K plus an "other" bucket), and the fullest TCP accept queues.
///
/// Every part is bounded by K, whatever the number of sockets, so it suits metrics labelled by port.
public struct SocketAggregate: Hashable, Sendable {
    /// Sockets by protocol, family and state.
    public var counts: SocketCounts
    /// TCP TIME_WAIT sockets per local port. On a server that closes first, the local port is its service port.
    public var timeWaitPorts: PortRanking
    /// TCP listening sockets per local port (several on one port: `SO_REUSEPORT` groups, or one per family).
    public var listenerPorts: PortRanking
    /// The TCP listeners with the fullest accept queues, fullest first (ties: lower port first), at most K.
    public var listeners: [ListenerQueue]
    /// TCP listeners not in ``listeners``.
    public var otherListeners: Int
    /// Every socket the dump passed to the aggregation (after filtering).
    public var socketsSeen: Int

    /// Creates an aggregate.
    public init(
        counts: SocketCounts = SocketCounts(),
        timeWaitPorts: PortRanking = PortRanking(),
        listenerPorts: PortRanking = PortRanking(),
        listeners: [ListenerQueue] = [],
        otherListeners: Int = 0,
        socketsSeen: Int = 0
    ) {
        self.counts = counts
        self.timeWaitPorts = timeWaitPorts
        self.listenerPorts = listenerPorts
        self.listeners = listeners
        self.otherListeners = otherListeners
        self.socketsSeen = socketsSeen
    }
}
