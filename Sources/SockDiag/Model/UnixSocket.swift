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
        name: [UInt8] = []
    ) {
        self.type = type
        self.state = state
        self.receiveQueue = receiveQueue
        self.sendQueue = sendQueue
        self.inode = inode
        self.peerInode = peerInode
        self.name = name
    }
}
