/// The type of a packet socket: `SOCK_RAW` (ss: `p_raw`, link-layer headers included) or `SOCK_DGRAM` (ss: `p_dgr`).
public struct PacketSocketType: RawRepresentable, Hashable, Sendable {
    /// The kernel's `SOCK_*` value.
    public let rawValue: UInt8

    /// Creates a type from the kernel's `SOCK_*` value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `SOCK_RAW` (ss: `p_raw`).
    public static let raw = PacketSocketType(rawValue: 3)
    /// `SOCK_DGRAM` (ss: `p_dgr`).
    public static let datagram = PacketSocketType(rawValue: 2)
}

/// One packet (`AF_PACKET`) socket as the kernel's `packet_diag` describes it.
///
/// A plain value with no storage of its own: decoding one allocates nothing.
public struct PacketSocket: Hashable, Sendable {
    /// Raw or datagram.
    public var type: PacketSocketType
    /// The link-layer protocol the socket receives, in host order (`ETH_P_ALL` 3, `ETH_P_IP` 0x0800 …; 0 for none
    /// until bound).
    public var etherProtocol: UInt16
    /// The interface the socket is bound to; 0 for every interface.
    public var interfaceIndex: UInt32
    /// The socket's inode number.
    public var inode: UInt32
    /// The socket's cookie.
    public var cookie: UInt64
    /// The owner's user id (`PACKET_DIAG_UID`), when the kernel reported it.
    public var uid: UInt32?
    /// The `TPACKET_V*` version (`packet_diag_info.pdi_version`: 0 for V1).
    public var version: UInt32
    /// `PACKET_COPY_THRESH`.
    public var copyThreshold: UInt32
    /// `PDI_RUNNING` 1, `PDI_AUXDATA` 2, `PDI_ORIGDEV` 4, `PDI_VNETHDR` 8, `PDI_LOSS` 16.
    public var flags: UInt32
    /// The fanout group (`PACKET_DIAG_FANOUT`: id in the low 16 bits, type in the high), when the socket has one.
    public var fanout: UInt32?
    /// Bytes queued for reading (`SK_MEMINFO_RMEM_ALLOC`; ss's Recv-Q).
    public var receiveQueue: UInt32

    /// Creates a socket description.
    public init(
        type: PacketSocketType,
        etherProtocol: UInt16,
        interfaceIndex: UInt32 = 0,
        inode: UInt32 = 0,
        cookie: UInt64 = 0,
        uid: UInt32? = nil,
        version: UInt32 = 0,
        copyThreshold: UInt32 = 0,
        flags: UInt32 = 0,
        fanout: UInt32? = nil,
        receiveQueue: UInt32 = 0
    ) {
        self.type = type
        self.etherProtocol = etherProtocol
        self.interfaceIndex = interfaceIndex
        self.inode = inode
        self.cookie = cookie
        self.uid = uid
        self.version = version
        self.copyThreshold = copyThreshold
        self.flags = flags
        self.fanout = fanout
        self.receiveQueue = receiveQueue
    }
}
