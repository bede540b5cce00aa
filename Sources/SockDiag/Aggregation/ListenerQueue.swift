/// A TCP listener's accept queue: connections the kernel has completed and the application has not accepted yet.
///
/// Listening sockets that share one family, address and port (an `SO_REUSEPORT` group) are one listener whose queue
/// and limit are the sums of its members'.
public struct ListenerQueue: Hashable, Sendable {
    /// The listener's family.
    public var family: AddressFamily
    /// The address and port it listens on.
    public var local: Endpoint
    /// Connections waiting in the accept queue now (ss's Recv-Q of a listener), over every member.
    public var queued: UInt32
    /// The accept queue's limit, the `listen()` backlog as capped by `net.core.somaxconn` (ss's Send-Q), summed
    /// over every member.
    public var backlog: UInt32
    /// The listening sockets on this address and port: more than 1 for an `SO_REUSEPORT` group.
    public var members: Int

    /// Creates a listener queue.
    public init(family: AddressFamily, local: Endpoint, queued: UInt32, backlog: UInt32, members: Int = 1) {
        self.family = family
        self.local = local
        self.queued = queued
        self.backlog = backlog
        self.members = members
    }

    /// Whether `self` and `other` listen on the same family, address and port.
    func sharesAddress(with other: ListenerQueue) -> Bool {
        family == other.family && local == other.local
    }

    /// Adds `other`'s queue, limit and members (another member of the same group); the sums saturate.
    mutating func merge(_ other: ListenerQueue) {
        let (queued, queuedOverflow) = self.queued.addingReportingOverflow(other.queued)
        let (backlog, backlogOverflow) = self.backlog.addingReportingOverflow(other.backlog)
        self.queued = queuedOverflow ? .max : queued
        self.backlog = backlogOverflow ? .max : backlog
        members += other.members
    }

    /// Whether `self` sorts before `other` by address alone (port, IPv4 first, address), so that the members of
    /// a group end up side by side.
    func addressBefore(_ other: ListenerQueue) -> Bool {
        if local.port != other.local.port { return local.port < other.local.port }
        return Self.address(local.address, before: other.local.address)
    }

    /// Whether `self` ranks before `other`: fuller queue first, then lower port, IPv4 first, lower address (no strings: this sorts every listener of every sample).
    func ranksBefore(_ other: ListenerQueue) -> Bool {
        if queued != other.queued { return queued > other.queued }
        if local.port != other.local.port { return local.port < other.local.port }
        return Self.address(local.address, before: other.local.address)
    }

    private static func address(_ one: IPAddress, before other: IPAddress) -> Bool {
        switch (one, other) {
        case (.v4(let a), .v4(let b)): return a.rawValue < b.rawValue
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        case (.v6(let a), .v6(let b)): return (a.high, a.low, a.scopeID) < (b.high, b.low, b.scopeID)
        }
    }
}
