/// One netlink socket as the kernel's `netlink_diag` describes it (ss: an `nl` row).
///
/// A plain value with no storage of its own: decoding one allocates nothing.
public struct NetlinkSocketEntry: Hashable, Sendable {
    /// The netlink protocol (`NETLINK_ROUTE` 0, `NETLINK_SOCK_DIAG` 4, `NETLINK_GENERIC` 16 …).
    public var netlinkProtocol: UInt8
    /// The socket's port id: 0 for the kernel's socket, usually the process id for a process's first one, and a
    /// number the kernel picked for its others (ss prints it as a signed number).
    public var portID: UInt32
    /// The port id of the connected peer (`NETLINK_CONNECTED` only).
    public var peerPortID: UInt32
    /// The multicast group of the connected peer (`NETLINK_CONNECTED` only).
    public var peerGroup: UInt32
    /// Whether the socket is connected to a peer (`ndiag_state` `NETLINK_CONNECTED`).
    public var isConnected: Bool
    /// The first 64 multicast groups the socket listens to, one bit each (`NETLINK_DIAG_GROUPS`); 0 when none.
    public var groups: UInt64
    /// The socket's inode number.
    public var inode: UInt32
    /// The socket's cookie.
    public var cookie: UInt64
    /// Bytes queued for reading (`SK_MEMINFO_RMEM_ALLOC`; ss's Recv-Q).
    public var receiveQueue: UInt32
    /// Bytes allocated for writing (`SK_MEMINFO_WMEM_ALLOC`; ss's Send-Q).
    public var sendQueue: UInt32

    /// Whether the socket is the kernel's (port id 0).
    public var isKernel: Bool { portID == 0 }

    /// Creates a socket description.
    public init(
        netlinkProtocol: UInt8,
        portID: UInt32,
        peerPortID: UInt32 = 0,
        peerGroup: UInt32 = 0,
        isConnected: Bool = false,
        groups: UInt64 = 0,
        inode: UInt32 = 0,
        cookie: UInt64 = 0,
        receiveQueue: UInt32 = 0,
        sendQueue: UInt32 = 0
    ) {
        self.netlinkProtocol = netlinkProtocol
        self.portID = portID
        self.peerPortID = peerPortID
        self.peerGroup = peerGroup
        self.isConnected = isConnected
        self.groups = groups
        self.inode = inode
        self.cookie = cookie
        self.receiveQueue = receiveQueue
        self.sendQueue = sendQueue
    }
}
