/// ss's socket tables, as `-A`/`--query` names them (iproute2's `filter_db_parse`), and the families of `-f`.
struct TableWord: OptionSet, Hashable {
    let rawValue: UInt32

    static let tcp = TableWord(rawValue: 1 << 0)
    static let mptcp = TableWord(rawValue: 1 << 1)
    static let dccp = TableWord(rawValue: 1 << 2)
    static let udp = TableWord(rawValue: 1 << 3)
    static let raw = TableWord(rawValue: 1 << 4)
    static let unixStream = TableWord(rawValue: 1 << 5)
    static let unixDatagram = TableWord(rawValue: 1 << 6)
    static let unixSeqPacket = TableWord(rawValue: 1 << 7)
    static let packetRaw = TableWord(rawValue: 1 << 8)
    static let packetDatagram = TableWord(rawValue: 1 << 9)
    static let netlink = TableWord(rawValue: 1 << 10)
    static let sctp = TableWord(rawValue: 1 << 11)
    static let vsockStream = TableWord(rawValue: 1 << 12)
    static let vsockDatagram = TableWord(rawValue: 1 << 13)
    static let tipc = TableWord(rawValue: 1 << 14)
    static let xdp = TableWord(rawValue: 1 << 15)

    static let unix: TableWord = [.unixStream, .unixDatagram, .unixSeqPacket]
    static let packet: TableWord = [.packetRaw, .packetDatagram]
    static let vsock: TableWord = [.vsockStream, .vsockDatagram]
    static let inet: TableWord = [.udp, .dccp, .tcp, .mptcp, .sctp, .raw]
    /// `all`: every table but TIPC's, as in ss.
    static let all: TableWord = [.inet, .unix, .packet, .netlink, .vsock, .xdp]

    /// The words `-A` accepts, in ss's order, with the tables each names.
    static let words: [(String, TableWord)] = [
        ("all", .all), ("inet", .inet), ("udp", .udp), ("dccp", .dccp), ("tcp", .tcp), ("mptcp", .mptcp),
        ("sctp", .sctp), ("raw", .raw), ("unix", .unix), ("unix_stream", .unixStream), ("u_str", .unixStream),
        ("unix_dgram", .unixDatagram), ("u_dgr", .unixDatagram), ("unix_seqpacket", .unixSeqPacket),
        ("u_seq", .unixSeqPacket), ("packet", .packet), ("packet_raw", .packetRaw), ("p_raw", .packetRaw),
        ("packet_dgram", .packetDatagram), ("p_dgr", .packetDatagram), ("netlink", .netlink), ("tipc", .tipc),
        ("vsock", .vsock), ("vsock_stream", .vsockStream), ("v_str", .vsockStream), ("vsock_dgram", .vsockDatagram),
        ("v_dgr", .vsockDatagram), ("xdp", .xdp),
    ]

    /// The words of `-A`, for help and errors.
    static var names: String { words.map(\.0).joined(separator: ", ") }

    /// The families `-f` accepts.
    static let familyWords = ["inet", "inet6", "unix", "link", "netlink", "vsock", "xdp", "tipc", "help"]

    /// The families of `-f`, for help and errors.
    static var familyNames: String { familyWords.joined(separator: ", ") }

    /// The tables `word` names, or `nil` for an unknown word.
    static func named(_ word: Substring) -> TableWord? {
        words.first { $0.0 == word }?.1
    }

    /// What `-f help` prints.
    static var help: String {
        """
        -f/--family FAMILY: \(familyNames)
        -A/--query/--socket QUERY: comma-separated tables, '!' to leave one out: \(names)
        """
    }
}
