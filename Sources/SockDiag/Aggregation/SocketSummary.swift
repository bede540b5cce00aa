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

    /// TCP sockets in the kernel's hash tables, as `sockstat`'s `inuse` counts them (no TIME_WAIT, no request sockets).
    public func tcpHashed(_ family: AddressFamily) -> Int {
        counts.total(.tcp, family: family, states: StateSet.all.subtracting([.timeWait, .synRecv]))
    }

    /// TIME_WAIT sockets.
    public var timeWait: Int { counts.total(.tcp, states: .timeWait) }

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

/// Formats a ``SocketSummary`` as ss prints it, followed by a table of counts by state, or as JSON.
public enum SummaryFormatter {
    /// Appends the text form: ss's lines, then the counts by state.
    public static func writeText(_ summary: SocketSummary, to buffer: inout [UInt8]) {
        let k = summary.kernel
        var text = "Total: \(k.socketsUsed)\n"
        text += "TCP:   \(summary.tcpTotal) (estab \(summary.established), closed \(summary.tcpClosed), "
        text += "orphaned \(k.tcpOrphans), timewait \(summary.timeWait))\n\n"
        text += "Transport Total     IP        IPv6\n"
        let tcp4 = summary.tcpHashed(.inet)
        let tcp6 = summary.tcpHashed(.inet6)
        let udp4 = summary.udp(.inet)
        let udp6 = summary.udp(.inet6)
        for (name, v4, v6) in [
            ("RAW", k.rawInUse4, k.rawInUse6), ("UDP", udp4, udp6), ("TCP", tcp4, tcp6),
            ("INET", k.rawInUse4 + udp4 + tcp4, k.rawInUse6 + udp6 + tcp6), ("FRAG", k.fragmentsInUse4, k.fragmentsInUse6),
        ] {
            text += "\(name)\t  \([v4 + v6, v4, v6].map(pad).joined(separator: " "))\n"
        }
        text += "\nState        TCP/IPv4  TCP/IPv6  UDP/IPv4  UDP/IPv6\n"
        for state in StateSet.all.states {
            let row = [
                summary.counts[.tcp, .inet, state], summary.counts[.tcp, .inet6, state],
                summary.counts[.udp, .inet, state], summary.counts[.udp, .inet6, state],
            ]
            guard row.contains(where: { $0 != 0 }) else { continue }
            let word = state == .closed ? "UNCONN" : state.columnName
            text += word.padding(13) + row.map(pad).joined(separator: " ").trimmingTrailingSpaces() + "\n"
        }
        buffer.append(contentsOf: text.utf8)
    }

    /// Appends the JSON form: `total`, `tcp` (ss's line), `transport` (ss's table), `states` (counts by protocol,
    /// family and state name).
    public static func writeJSON(_ summary: SocketSummary, to buffer: inout [UInt8]) {
        let k = summary.kernel
        var text = "{\"total\":\(k.socketsUsed),\"tcp\":{\"total\":\(summary.tcpTotal),"
        text += "\"established\":\(summary.established),\"closed\":\(summary.tcpClosed),"
        text += "\"orphaned\":\(k.tcpOrphans),\"timewait\":\(summary.timeWait)},\"transport\":{"
        let tcp4 = summary.tcpHashed(.inet)
        let tcp6 = summary.tcpHashed(.inet6)
        let udp4 = summary.udp(.inet)
        let udp6 = summary.udp(.inet6)
        text += [
            ("raw", k.rawInUse4, k.rawInUse6), ("udp", udp4, udp6), ("tcp", tcp4, tcp6),
            ("inet", k.rawInUse4 + udp4 + tcp4, k.rawInUse6 + udp6 + tcp6), ("frag", k.fragmentsInUse4, k.fragmentsInUse6),
        ].map { "\"\($0.0)\":{\"total\":\($0.1 + $0.2),\"ipv4\":\($0.1),\"ipv6\":\($0.2)}" }.joined(separator: ",")
        text += "},\"states\":{"
        text += [TransportProtocol.tcp, .udp].map { transport in
            "\"\(transport)\":{"
                + [AddressFamily.inet, .inet6].map { family in
                    "\"\(family)\":{"
                        + StateSet.all.states.compactMap { state in
                            let count = summary.counts[transport, family, state]
                            return count == 0 ? nil : "\"\(state.name)\":\(count)"
                        }.joined(separator: ",") + "}"
                }.joined(separator: ",") + "}"
        }.joined(separator: ",")
        text += "}}\n"
        buffer.append(contentsOf: text.utf8)
    }

    /// `%-9d`, as ss prints its table cells.
    private static func pad(_ value: Int) -> String {
        String(value).padding(9)
    }
}

extension String {
    func padding(_ width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - count))
    }

    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
