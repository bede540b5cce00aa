import SockDiag

extension Selection {
    /// The selection with `-f` and `-A` turned into the flags they stand for, as ss's `filter_af_set` and
    /// `filter_db_parse` do: `-f inet` is `-4`, `-f link` is `-0`, `-A unix_dgram` is `-x` for datagram sockets
    /// only; `-A` words are applied in order (`all,!tcp`) and add to the protocol options.
    /// - Throws: `UsageError` for an unknown family or table word, or an `-A` that leaves no table.
    func resolvingTables() throws(UsageError) -> Selection {
        var selection = self
        for family in tables.families {
            switch family {
            case "inet": selection.ipv4 = true
            case "inet6": selection.ipv6 = true
            case "unix": selection.unix = true
            case "link": selection.tables.packet = true
            case "netlink": selection.tables.netlink = true
            case "vsock": selection.tables.vsock = true
            case "xdp": selection.tables.xdp = true
            case "tipc": selection.tables.tipc = true
            case "help": break
            default:
                throw UsageError("-f: unknown family '\(family)'; valid families: \(TableWord.familyNames)")
            }
        }
        guard !tables.queries.isEmpty else { return selection }
        var words = TableWord()
        for query in tables.queries {
            for item in query.split(separator: ",", omittingEmptySubsequences: false) {
                let negated = item.hasPrefix("!")
                guard let named = TableWord.named(negated ? item.dropFirst() : item) else {
                    throw UsageError("-A: unknown socket table '\(item)'; valid tables: \(TableWord.names)")
                }
                if negated { words.subtract(named) } else { words.formUnion(named) }
            }
        }
        guard !words.subtracting(.dccp).isEmpty || tcp || udp || raw || unix || tables.any else {
            if words.contains(.dccp) {
                throw UsageError(
                    "DCCP (-d, -A dccp): no DCCP sockets to list: Linux removed DCCP in 6.16, and sockdiag reads none"
                )
            }
            throw UsageError("-A \(tables.queries.joined(separator: ",")): no socket table left to show")
        }
        selection.apply(words)
        return selection
    }

    /// Sets the flags of the tables in `words`.
    private mutating func apply(_ words: TableWord) {
        if words.contains(.tcp) { tcp = true }
        if words.contains(.udp) { udp = true }
        if words.contains(.raw) { raw = true }
        if words.contains(.mptcp) { tables.mptcp = true }
        if words.contains(.sctp) { tables.sctp = true }
        if words.contains(.netlink) { tables.netlink = true }
        let vsockWords = words.intersection(.vsock)
        if !vsockWords.isEmpty {
            tables.vsock = true
            if vsockWords != .vsock { tables.vsockTypes = [vsockWords == .vsockStream ? 1 : 2] }
        }
        if words.contains(.xdp) { tables.xdp = true }
        if words.contains(.tipc) { tables.tipc = true }
        let unixWords = words.intersection(.unix)
        if !unixWords.isEmpty {
            unix = true
            if unixWords != .unix {
                tables.unixTypes = [
                    (TableWord.unixStream, UnixSocketType.stream), (.unixDatagram, .datagram),
                    (.unixSeqPacket, .seqPacket),
                ].filter { unixWords.contains($0.0) }.map(\.1)
            }
        }
        let packetWords = words.intersection(.packet)
        if !packetWords.isEmpty {
            tables.packet = true
            if packetWords != .packet { tables.packetTypes = [packetWords == .packetRaw ? .raw : .datagram] }
        }
    }

    /// The states without `-a`, `-l`, `--state` or a state word: what ss's tables show by default. Packet, netlink
    /// and XDP sockets are all `UNCONN` for ss, so asking for them by option (not with `-A`, which keeps ss's
    /// default) adds that state.
    var defaultStates: StateSet {
        guard tables.queries.isEmpty, tables.closedTables else { return .ssDefault }
        let otherTables = tcp || udp || raw || unix || ipv4 || ipv6 || tables.mptcp || tables.sctp || tables.vsock
        return otherTables ? StateSet.ssDefault.union(StateSet(.closed)) : StateSet(.closed)
    }
}
