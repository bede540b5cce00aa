import SockDiag

extension Selection {
    /// Whether the table has ss's `Netid` column: ss leaves it out when it lists one socket table (one protocol;
    /// `-x` is three tables, stream, datagram and seqpacket, unless `-A` names fewer).
    /// - Parameters:
    ///   - query: The internet query built from this selection.
    ///   - listsUnix: Whether UNIX sockets are listed.
    ///   - otherTables: How many other tables are listed (netlink, packet, MPTCP …: ``FamilyQueries/tableCount``).
    func showsNetidColumn(_ query: SocketQuery, listsUnix: Bool, otherTables: Int = 0) -> Bool {
        let unixTables = listsUnix ? (tables.unixTypes.isEmpty ? 3 : tables.unixTypes.count) : 0
        return query.protocols.count + unixTables + otherTables > 1
    }

    /// Whether the table has ss's `State` column: ss leaves it out when one state is selected (`state
    /// established`, and `-u`/`-w` alone, whose default state set in ss is ESTABLISHED only).
    /// - Parameters:
    ///   - query: The internet query built from this selection.
    ///   - listsUnix: Whether UNIX sockets are listed.
    ///   - connectionTables: Whether MPTCP or SCTP sockets are listed (their default states are TCP's).
    func showsStateColumn(_ query: SocketQuery, listsUnix: Bool, connectionTables: Bool = false) -> Bool {
        // ss's default states are each table's: TCP, MPTCP, SCTP and UNIX (and -4/-6) the connected states, UDP and
        // raw ESTABLISHED alone; sockdiag asks for ``StateSet/ssDefault`` and UDP and raw have no other of them.
        if query.states == .ssDefault && !listsUnix && !connectionTables && !ipv4 && !ipv6
            && !query.protocols.contains(.tcp)
        {
            return false
        }
        return query.states.states.count > 1
    }
}
