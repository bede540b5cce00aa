/// The type of a UNIX domain socket (`udiag_type`: `SOCK_STREAM`, `SOCK_DGRAM`, `SOCK_SEQPACKET`).
public struct UnixSocketType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The kernel's `SOCK_*` value.
    public let rawValue: UInt8

    /// Creates a type from the kernel's `SOCK_*` value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `SOCK_STREAM` (ss: `u_str`).
    public static let stream = UnixSocketType(rawValue: 1)
    /// `SOCK_DGRAM` (ss: `u_dgr`).
    public static let datagram = UnixSocketType(rawValue: 2)
    /// `SOCK_SEQPACKET` (ss: `u_seq`).
    public static let seqPacket = UnixSocketType(rawValue: 5)

    /// The JSON name: `stream`, `dgram`, `seqpacket` (`unknown` for anything else).
    public var description: String { "\(word)" }

    /// ``description`` as a static string, for the formatters' hot path.
    @inlinable
    package var word: StaticString {
        switch rawValue {
        case 1: return "stream"
        case 2: return "dgram"
        case 5: return "seqpacket"
        default: return "unknown"
        }
    }
}

/// One UNIX domain socket as the kernel's `unix_diag` describes it.
///
/// A plain value. Its ``name`` is the only part that can allocate, and only for a bound socket (an unbound one,
/// such as either end of a `socketpair(2)`, has an empty name).
public struct UnixSocket: Hashable, Sendable {
    /// Stream, datagram or seqpacket.
    public var type: UnixSocketType
    /// The state: `listen` for a listening socket, `established` for a connected one, `closed` for an
    /// unconnected one (ss: `UNCONN`).
    public var state: SocketState
    /// For a listener, connections waiting to be accepted; otherwise bytes waiting to be read
    /// (`UNIX_DIAG_RQLEN`).
    public var receiveQueue: UInt32
    /// For a listener, the backlog limit; otherwise bytes sent but not yet consumed (`UNIX_DIAG_RQLEN`).
    public var sendQueue: UInt32
    /// The socket's inode number, which names it in `/proc/PID/fd`.
    public var inode: UInt32
    /// The inode of the connected peer; 0 when there is none.
    public var peerInode: UInt32
    /// The bound address exactly as the kernel reports it (`UNIX_DIAG_NAME`, without a path's terminating NUL):
    /// empty when unbound; an abstract name starts with a NUL byte.
    public var name: [UInt8]
    /// The file a path socket is bound to (`UNIX_DIAG_VFS`): `nil` unless asked for
    /// (``UnixSocketDetails/file``) and the socket is bound to a path.
    public var file: UnixSocketFile?
    /// For a listener, the inodes of the connecting sockets whose connections wait in its accept queue
    /// (`UNIX_DIAG_ICONS`; ss `-e`: `peers:`): `nil` unless asked for (``UnixSocketDetails/file``) and the socket
    /// listens. Allocates only when connections are waiting.
    public var pendingPeers: [UInt32]?
    /// The memory counters (`UNIX_DIAG_MEMINFO`, ss `-m`: `skmem:(…)`): `nil` unless asked for
    /// (``UnixSocketDetails/memory``).
    public var memory: SocketMemory.Counters?
    /// Which directions are shut down (`UNIX_DIAG_SHUTDOWN`, which the kernel always sends); `nil` when it did not.
    public var shutdown: SocketShutdown?

    /// Whether the socket is bound to an abstract name (one that starts with a NUL byte and has no file).
    public var isAbstract: Bool { name.first == 0 }

    /// The filesystem path the socket is bound to, or the abstract name without its leading NUL; `nil` when
    /// unbound. Bytes that are not UTF-8 are repaired.
    public var path: String? {
        guard !name.isEmpty else { return nil }
        return String(decoding: isAbstract ? name.dropFirst() : name[...], as: UTF8.self)
    }

    /// Creates a socket description.
    public init(
        type: UnixSocketType,
        state: SocketState,
        receiveQueue: UInt32 = 0,
        sendQueue: UInt32 = 0,
        inode: UInt32,
        peerInode: UInt32 = 0,
        name: [UInt8] = [],
        file: UnixSocketFile? = nil,
        pendingPeers: [UInt32]? = nil,
        memory: SocketMemory.Counters? = nil,
        shutdown: SocketShutdown? = nil
    ) {
        self.type = type
        self.state = state
        self.receiveQueue = receiveQueue
        self.sendQueue = sendQueue
        self.inode = inode
        self.peerInode = peerInode
        self.name = name
        self.file = file
        self.pendingPeers = pendingPeers
        self.memory = memory
        self.shutdown = shutdown
    }
}

/// The file system object a UNIX socket is bound to (`struct unix_diag_vfs`): the inode of the socket file and the
/// device of its file system.
public struct UnixSocketFile: Hashable, Sendable {
    /// The inode of the socket file in its file system (not the socket's own inode).
    public var inode: UInt32
    /// The file system's device in the kernel's internal encoding (`s_dev`: major in the top 12 bits, minor in the
    /// low 20), as `unix_diag` sends it.
    public var device: UInt32

    /// Creates a file description.
    public init(inode: UInt32, device: UInt32) {
        self.inode = inode
        self.device = device
    }

    /// The device's major number (`MAJOR()` of the kernel's encoding).
    public var major: UInt32 { device >> 20 }
    /// The device's minor number (`MINOR()` of the kernel's encoding).
    public var minor: UInt32 { device & 0xF_FFFF }
}
