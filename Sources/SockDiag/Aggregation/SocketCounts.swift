/// Socket counts by protocol, family and state, from one dump, without keeping any socket.
public struct SocketCounts: Hashable, Sendable {
    // Index: protocol (0 tcp, 1 udp; raw, SCTP and MPTCP sockets are not counted) × family (0 inet, 1 inet6) ×
    // state (0…15).
    private var storage = [Int](repeating: 0, count: 2 * 2 * 16)
    // TCP time-wait minisockets in another state than TIME_WAIT (an orphan's FIN-WAIT-2), by family.
    private var minisockets = [0, 0]

    /// Creates empty counts.
    public init() {}

    @inline(__always)
    private static func index(_ transport: TransportProtocol, _ family: AddressFamily, _ state: SocketState) -> Int? {
        guard state.rawValue < 16, transport == .tcp || transport == .udp else { return nil }
        return (transport == .tcp ? 0 : 32) + (family == .inet ? 0 : 16) + Int(state.rawValue)
    }

    /// Adds one socket.
    @inline(__always)
    public mutating func add(_ transport: TransportProtocol, _ family: AddressFamily, _ state: SocketState) {
        if let index = Self.index(transport, family, state) { storage[index] += 1 }
    }

    /// Adds one socket, noting a TCP time-wait minisocket (its timer is the time-wait timer) in another state than
    /// TIME_WAIT: an orphan that reached FIN-WAIT-2, which the kernel counts as time-wait, not as in use.
    @inline(__always)
    public mutating func add(
        _ transport: TransportProtocol,
        _ family: AddressFamily,
        _ state: SocketState,
        timer: SocketTimer.Kind
    ) {
        add(transport, family, state)
        if transport == .tcp && timer == .timeWait && state != .timeWait {
            minisockets[family == .inet ? 0 : 1] += 1
        }
    }

    /// Adds `other`'s counts to `counts` (e.g. to total several namespaces).
    public static func += (counts: inout SocketCounts, other: SocketCounts) {
        for index in counts.storage.indices { counts.storage[index] += other.storage[index] }
        for index in counts.minisockets.indices { counts.minisockets[index] += other.minisockets[index] }
    }

    /// TCP time-wait minisockets counted under another state than TIME-WAIT (orphans in FIN-WAIT-2, which the
    /// kernel's `sockstat` counts as `tw`, not as `inuse`).
    /// - Parameter family: One family, or `nil` for both.
    public func finWait2Minisockets(family: AddressFamily? = nil) -> Int {
        switch family {
        case .inet: return minisockets[0]
        case .inet6: return minisockets[1]
        default: return minisockets[0] + minisockets[1]
        }
    }

    /// The number of sockets of that protocol, family and state.
    public subscript(transport: TransportProtocol, family: AddressFamily, state: SocketState) -> Int {
        Self.index(transport, family, state).map { storage[$0] } ?? 0
    }

    /// The number of sockets matching every given criterion (`nil` = any).
    public func total(
        _ transport: TransportProtocol? = nil,
        family: AddressFamily? = nil,
        states: StateSet? = nil
    ) -> Int {
        var sum = 0
        for candidate in [TransportProtocol.tcp, .udp] where transport == nil || transport == candidate {
            for candidateFamily in [AddressFamily.inet, .inet6] where family == nil || family == candidateFamily {
                for raw in 0..<16 {
                    let state = SocketState(rawValue: UInt8(raw))
                    if let states, !states.contains(state) { continue }
                    sum += self[candidate, candidateFamily, state]
                }
            }
        }
        return sum
    }
}

extension SocketInspector {
    /// Counts the sockets that match `query` by protocol, family and state, reading only those bytes of each reply
    /// when the kernel does the filtering.
    /// - Parameter query: What to count.
    /// - Returns: The counts.
    /// - Throws: ``SockDiagError``.
    public func count(matching query: SocketQuery) throws -> SocketCounts {
        let plan = try DumpPlan(query)
        var counts = SocketCounts()
        if plan.repliesNeedNoDecoding {
            try forEachRawMessage(following: plan) { transport, payload in
                let message = try InetDiagMessage(payload)
                counts.add(transport, message.family, message.state, timer: message.timer.kind)
            }
        } else {
            try forEachSocket(following: plan) { counts.add($0.transport, $0.family, $0.state, timer: $0.timer.kind) }
        }
        return counts
    }
}
