/// One vsock (`AF_VSOCK`, virtual machine sockets) socket as the kernel's `vsock_diag` describes it.
///
/// A plain value with no storage of its own: decoding one allocates nothing.
public struct VsockSocket: Hashable, Sendable {
    /// `SOCK_STREAM` 1 (ss: `v_str`), `SOCK_DGRAM` 2 (`v_dgr`), `SOCK_SEQPACKET` 5.
    public var type: UInt8
    /// The state, in TCP's numbering as the kernel keeps it.
    public var state: SocketState
    /// The local context id; `UInt32.max` for any (`VMADDR_CID_ANY`).
    public var localCID: UInt32
    /// The local port; `UInt32.max` for none (`VMADDR_PORT_ANY`).
    public var localPort: UInt32
    /// The peer's context id; `UInt32.max` for none.
    public var peerCID: UInt32
    /// The peer's port; `UInt32.max` for none.
    public var peerPort: UInt32
    /// The socket's inode number.
    public var inode: UInt32
    /// The socket's cookie.
    public var cookie: UInt64

    /// Creates a socket description.
    public init(
        type: UInt8,
        state: SocketState,
        localCID: UInt32,
        localPort: UInt32,
        peerCID: UInt32,
        peerPort: UInt32,
        inode: UInt32 = 0,
        cookie: UInt64 = 0
    ) {
        self.type = type
        self.state = state
        self.localCID = localCID
        self.localPort = localPort
        self.peerCID = peerCID
        self.peerPort = peerPort
        self.inode = inode
        self.cookie = cookie
    }
}

/// One XDP (`AF_XDP`) socket as the kernel's `xsk_diag` describes it.
///
/// A plain value with no storage of its own: decoding one allocates nothing.
public struct XDPSocket: Hashable, Sendable {
    /// The interface the socket is bound to; 0 when unbound.
    public var interfaceIndex: UInt32
    /// The queue of that interface.
    public var queueID: UInt32
    /// The owner's user id (`XDP_DIAG_UID`), when reported.
    public var uid: UInt32?
    /// The socket's inode number.
    public var inode: UInt32
    /// The socket's cookie.
    public var cookie: UInt64
    /// Bytes queued for reading (`SK_MEMINFO_RMEM_ALLOC`; ss's Recv-Q).
    public var receiveQueue: UInt32

    /// Creates a socket description.
    public init(
        interfaceIndex: UInt32 = 0,
        queueID: UInt32 = 0,
        uid: UInt32? = nil,
        inode: UInt32 = 0,
        cookie: UInt64 = 0,
        receiveQueue: UInt32 = 0
    ) {
        self.interfaceIndex = interfaceIndex
        self.queueID = queueID
        self.uid = uid
        self.inode = inode
        self.cookie = cookie
        self.receiveQueue = receiveQueue
    }
}
