import SockDiag

/// Formats a `SocketSummary` as ss prints it, followed by a table of counts by state, or as JSON.
public enum SummaryFormatter {
    /// Appends the text form: ss's lines, then the counts by state.
    public static func writeText(_ summary: SocketSummary, to buffer: inout [UInt8]) {
        let k = summary.kernel
        var text = "Total: \(k.socketsUsed)\n"
        text += "TCP:   \(summary.tcpTotal) (estab \(summary.established), closed \(summary.tcpClosed), "
        text += "orphaned \(k.tcpOrphans), timewait \(summary.timeWait))\n\n"
        text += "Transport Total     IP        IPv6\n"
        for (name, v4, v6) in transportRows(summary) {
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

    /// Appends the JSON form: `total`, `tcp` (ss's line: `total`, `curr_estab` = ESTABLISHED and CLOSE-WAIT as the
    /// kernel's `CurrEstab`, `closed`, `orphaned`, `timewait`), `transport` (ss's table), `states` (counts by
    /// protocol, family and state name).
    public static func writeJSON(_ summary: SocketSummary, to buffer: inout [UInt8]) {
        let k = summary.kernel
        var text = "{\"total\":\(k.socketsUsed),\"tcp\":{\"total\":\(summary.tcpTotal),"
        // Not "established": that key names the ESTABLISHED state alone under "states".
        text += "\"curr_estab\":\(summary.established),\"closed\":\(summary.tcpClosed),"
        text += "\"orphaned\":\(k.tcpOrphans),\"timewait\":\(summary.timeWait)},\"transport\":{"
        text += transportRows(summary).map { name, v4, v6 in
            "\"\(name.lowercased())\":{\"total\":\(v4 + v6),\"ipv4\":\(v4),\"ipv6\":\(v6)}"
        }.joined(separator: ",")
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

    /// ss's transport table: each row's name with its IPv4 and IPv6 counts.
    private static func transportRows(_ summary: SocketSummary) -> [(name: String, v4: Int, v6: Int)] {
        let k = summary.kernel
        let tcp4 = summary.tcpHashed(.inet)
        let tcp6 = summary.tcpHashed(.inet6)
        let udp4 = summary.udp(.inet)
        let udp6 = summary.udp(.inet6)
        return [
            ("RAW", k.rawInUse4, k.rawInUse6), ("UDP", udp4, udp6), ("TCP", tcp4, tcp6),
            ("INET", k.rawInUse4 + udp4 + tcp4, k.rawInUse6 + udp6 + tcp6),
            ("FRAG", k.fragmentsInUse4, k.fragmentsInUse6),
        ]
    }

    /// `%-9d`, as ss prints its table cells.
    private static func pad(_ value: Int) -> String {
        String(value).padding(9)
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - count))
    }

    fileprivate func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
