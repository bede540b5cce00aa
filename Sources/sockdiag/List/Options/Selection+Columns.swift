import SockDiag

extension Selection {
    /// Whether the table has ss's `Netid` column: ss leaves it out when it lists one socket table (one protocol;
    /// `-x` is three tables, stream, datagram and seqpacket).
    /// - Parameters:
    ///   - query: The internet query built from this selection.
    ///   - listsUnix: Whether UNIX sockets are listed.
    func showsNetidColumn(_ query: SocketQuery, listsUnix: Bool) -> Bool {
        query.protocols.count + (listsUnix ? 3 : 0) > 1
    }

    /// Whether the table has ss's `State` column: ss leaves it out when one state is selected (`state
    /// established`, and `-u`/`-w` alone, whose default state set in ss is ESTABLISHED only).
    /// - Parameters:
    ///   - query: The internet query built from this selection.
    ///   - listsUnix: Whether UNIX sockets are listed.
    func showsStateColumn(_ query: SocketQuery, listsUnix: Bool) -> Bool {
        // ss's default states are each table's: TCP and UNIX (and -4/-6) the connected states, UDP and raw
        // ESTABLISHED alone; sockdiag asks for ``StateSet/ssDefault`` and UDP and raw have no other of them.
        if query.states == .ssDefault && !listsUnix && !ipv4 && !ipv6 && !query.protocols.contains(.tcp) {
            return false
        }
        return query.states.states.count > 1
    }
}
