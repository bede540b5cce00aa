/// How many sockets one local port has.
public struct PortCount: Hashable, Sendable {
    /// The local port.
    public var port: UInt16
    /// The number of sockets on it.
    public var count: Int

    /// Creates a port count.
    public init(port: UInt16, count: Int) {
        self.port = port
        self.count = count
    }
}

/// The busiest local ports of one kind of socket, at most K of them, and a single bucket for all the others, so a
/// metric labelled by port has bounded cardinality.
public struct PortRanking: Hashable, Sendable {
    /// The ports with the most sockets, most first (ties: lower port first); at most the K asked for.
    public var top: [PortCount]
    /// Sockets on ports not in ``top``.
    public var otherCount: Int
    /// Distinct ports not in ``top``.
    public var otherPorts: Int

    /// Creates a ranking.
    public init(top: [PortCount] = [], otherCount: Int = 0, otherPorts: Int = 0) {
        self.top = top
        self.otherCount = otherCount
        self.otherPorts = otherPorts
    }

    /// All the sockets counted, in ``top`` and in the other bucket.
    public var total: Int {
        top.reduce(otherCount) { $0 + $1.count }
    }

    /// The count of `port` if it is in ``top``; `nil` when it is not (it may still be in the other bucket).
    public subscript(port: UInt16) -> Int? {
        top.first { $0.port == port }?.count
    }
}
