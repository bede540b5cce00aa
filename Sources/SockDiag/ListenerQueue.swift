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

    /// Whether `self` ranks before `other`: fuller queue first, then lower port, IPv4 first, lower address.
    func ranksBefore(_ other: ListenerQueue) -> Bool {
        if queued != other.queued { return queued > other.queued }
        if local.port != other.local.port { return local.port < other.local.port }
        if family != other.family { return family == .inet }
        return local.address.description < other.local.address.description
    }
}
