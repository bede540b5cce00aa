import SockDiag

/// The family and table options as plain values (``FamilySelection``), and what `-A` and `-f` resolve to.
struct TableSelection: Equatable {
    /// `-0`/`--packet`, `-f link`.
    var packet = false
    /// `--netlink`, `-f netlink`.
    var netlink = false
    /// `-M`/`--mptcp`.
    var mptcp = false
    /// `-S`/`--sctp`.
    var sctp = false
    /// `--vsock`, `-f vsock`.
    var vsock = false
    /// `--xdp`, `-f xdp`.
    var xdp = false
    /// `--tipc`, `-f tipc`.
    var tipc = false
    /// `-A` values, as given.
    var queries: [String] = []
    /// `-f` values, as given.
    var families: [String] = []
    /// The UNIX types `-A` named (empty: every type).
    var unixTypes: [UnixSocketType] = []
    /// The packet types `-A` named (empty: both).
    var packetTypes: [PacketSocketType] = []
    /// The vsock types `-A` named (`SOCK_STREAM` 1, `SOCK_DGRAM` 2; empty: both).
    var vsockTypes: [UInt8] = []

    /// Whether a table beyond TCP, UDP, raw and UNIX is asked for.
    var any: Bool { packet || netlink || mptcp || sctp || vsock || xdp || tipc }

    /// Whether a table whose sockets are all `UNCONN` for ss (packet, netlink, XDP) is asked for.
    var closedTables: Bool { packet || netlink || xdp }
}
