/// A TCP listener's accept queue: connections the kernel has completed and the application has not accepted yet.
public struct ListenerQueue: Hashable, Sendable {
    /// The listener's family.
    public var family: AddressFamily
    /// The address and port it listens on.
    public var local: Endpoint
    /// Connections waiting in the accept queue now (ss's Recv-Q of a listener).
    public var queued: UInt32
    /// The accept queue's limit, the `listen()` backlog as capped by `net.core.somaxconn` (ss's Send-Q).
    public var backlog: UInt32

    /// Creates a listener queue.
    public init(family: AddressFamily, local: Endpoint, queued: UInt32, backlog: UInt32) {
        self.family = family
        self.local = local
        self.queued = queued
        self.backlog = backlog
    }

    /// Whether `self` ranks before `other`: fuller queue first, then lower port, IPv4 first, lower address (no strings: this sorts every listener of every sample).
    func ranksBefore(_ other: ListenerQueue) -> Bool {
        if queued != other.queued { return queued > other.queued }
        if local.port != other.local.port { return local.port < other.local.port }
        switch (local.address, other.local.address) {
        case (.v4(let a), .v4(let b)): return a.rawValue < b.rawValue
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        case (.v6(let a), .v6(let b)): return (a.high, a.low, a.scopeID) < (b.high, b.low, b.scopeID)
        }
    }
}
