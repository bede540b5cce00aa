/// The `tcp_info` fields sockdiag's `-i` prints after ss 6.1's own (`rcv_wnd`, `rehash`, the RTO totals, the
/// AccECN counters), which ss 6.1 does not know.
package enum NewerTCPInfoFields {
    /// Their names, in the order sockdiag prints them.
    package static let names = [
        "rcv_wnd", "rehash", "total_rto", "total_rto_recoveries", "total_rto_time", "received_ce",
        "delivered_e1_bytes", "delivered_e0_bytes", "delivered_ce_bytes", "received_e1_bytes", "received_e0_bytes",
        "received_ce_bytes",
    ]

    /// `line` without the newer fields at its end (` name:number`, in sockdiag's order): what ss 6.1 prints. A
    /// newer field anywhere else, or out of order, stays, so that the comparison with ss's line fails.
    package static func ss61(_ line: String) -> String {
        var words = line.split(separator: " ", omittingEmptySubsequences: false)
        var allowed = names[...]
        while let last = words.last, let colon = last.firstIndex(of: ":"),
            last[last.index(after: colon)...].allSatisfy(\.isNumber),
            let index = allowed.lastIndex(of: String(last[..<colon]))
        {
            allowed = allowed[..<index]
            words.removeLast()
        }
        return words.joined(separator: " ")
    }
}
