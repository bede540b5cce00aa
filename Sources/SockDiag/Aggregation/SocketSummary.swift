/// What `ss -s` shows, computed from one dump (``SocketCounts``) plus the kernel's counters for what a dump cannot
/// tell (``KernelSocketStatistics``).
public struct SocketSummary: Hashable, Sendable {
    /// Counts by protocol, family and state from the dump (all states, TCP and UDP, both families).
    public var counts: SocketCounts
    /// The kernel's counters.
    public var kernel: KernelSocketStatistics

    /// Creates a summary.
    public init(counts: SocketCounts, kernel: KernelSocketStatistics) {
        self.counts = counts
        self.kernel = kernel
    }

    /// TCP sockets in the kernel's hash tables, as `sockstat`'s `inuse` counts them (no time-wait minisockets, those
    /// of an orphan's FIN-WAIT-2 included; no request sockets).
    public func tcpHashed(_ family: AddressFamily) -> Int {
        counts.total(.tcp, family: family, states: StateSet.all.subtracting([.timeWait, .synRecv]))
            - counts.finWait2Minisockets(family: family)
    }

    /// Time-wait minisockets, as `sockstat`'s `tw` counts them: TIME_WAIT, and orphans in FIN-WAIT-2.
    public var timeWait: Int { counts.total(.tcp, states: .timeWait) + counts.finWait2Minisockets() }

    /// Established connections as `CurrEstab` counts them: ESTABLISHED and CLOSE-WAIT.
    public var established: Int { counts.total(.tcp, states: [.established, .closeWait]) }

    /// ss's TCP total: allocated TCP sockets (a machine-wide counter) plus TIME_WAIT.
    public var tcpTotal: Int { kernel.tcpAllocated + timeWait }

    /// ss's "closed": allocated TCP sockets not in the tables, by ss's formula
    /// `alloc - (inuse4 + inuse6 - timewait)`.
    public var tcpClosed: Int { kernel.tcpAllocated - (tcpHashed(.inet) + tcpHashed(.inet6) - timeWait) }

    /// UDP sockets of a family.
    public func udp(_ family: AddressFamily) -> Int { counts.total(.udp, family: family) }
}
