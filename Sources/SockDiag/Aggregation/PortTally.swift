/// A counter per local port (65,536 slots, allocated once and reused), ranked into a ``PortRanking``.
///
/// Adding is one array increment, so tallying a dump of any size allocates nothing.
struct PortTally: Sendable {
    private var counts = [UInt32](repeating: 0, count: 65_536)
    private var touched = 0

    /// Sets every count to zero.
    mutating func reset() {
        guard touched > 0 else { return }
        counts.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        touched = 0
    }

    @inline(__always)
    mutating func add(_ port: UInt16) {
        counts.withUnsafeMutableBufferPointer { $0[Int(port)] &+= 1 }
        touched &+= 1
    }

    /// The count of `port`.
    @inline(__always)
    func count(_ port: UInt16) -> UInt32 {
        counts.withUnsafeBufferPointer { $0[Int(port)] }
    }

    /// The `k` ports with the most sockets (ties: lower port first) and the rest summed.
    func ranking(top k: Int) -> PortRanking {
        var ranking = PortRanking()
        guard touched > 0 else { return ranking }
        let k = max(0, k)
        ranking.top.reserveCapacity(k)
        counts.withUnsafeBufferPointer { counts in
            for port in 0..<counts.count where counts[port] != 0 {
                let candidate = PortCount(port: UInt16(port), count: Int(counts[port]))
                // `top` stays sorted by count descending; ports arrive ascending, so an equal count goes after.
                if ranking.top.count == k {
                    guard k > 0, candidate.count > ranking.top[k - 1].count else {
                        ranking.otherCount += candidate.count
                        ranking.otherPorts += 1
                        continue
                    }
                    let evicted = ranking.top.removeLast()
                    ranking.otherCount += evicted.count
                    ranking.otherPorts += 1
                }
                var index = ranking.top.count
                while index > 0 && ranking.top[index - 1].count < candidate.count { index -= 1 }
                ranking.top.insert(candidate, at: index)
            }
        }
        return ranking
    }
}
