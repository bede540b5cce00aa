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
    public var state: TCPState
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
        state: TCPState,
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

/// Which UNIX sockets to dump: types and states.
public struct UnixSocketQuery: Hashable, Sendable {
    /// The types to keep; empty for every type. The kernel cannot filter by type, so this is checked in Swift.
    public var types: [UnixSocketType]
    /// The states to dump (sent to the kernel as `udiag_states`); UNIX sockets are `listen`, `established`,
    /// `closed` and, while connecting, `synSent`.
    public var states: StateSet

    /// Creates a query.
    /// - Parameters:
    ///   - types: The types to keep; empty (the default) for all.
    ///   - states: The states, by default what ss shows without `-a` (``StateSet/ssDefault``).
    public init(types: [UnixSocketType] = [], states: StateSet = .ssDefault) {
        self.types = types
        self.states = states
    }

    /// The state mask to send, without the bound-inactive bit (TCP only).
    var kernelStates: UInt32 {
        states.intersection(.all).rawValue
    }

    /// Whether `socket` has one of the wanted types.
    @inline(__always)
    func matchesType(_ socket: UnixSocket) -> Bool {
        types.isEmpty || types.contains(socket.type)
    }
}

/// Decodes one `unix_diag_msg` reply (with its attributes) straight from the receive buffer.
///
/// Layout (include/uapi/linux/unix_diag.h): family, type, state, pad (u8 each); inode (u32); cookie (u32[2]);
/// then `nlattr`s: `UNIX_DIAG_NAME` (the `sun_path` bytes), `UNIX_DIAG_PEER` (u32), `UNIX_DIAG_RQLEN`
/// (`struct unix_diag_rqlen`: rqueue, wqueue).
enum UnixDiagParser {
    /// Size of `struct unix_diag_msg`.
    static let messageSize = 16
    /// `UNIX_DIAG_NAME`.
    static let attributeName: UInt16 = 0
    /// `UNIX_DIAG_PEER`.
    static let attributePeer: UInt16 = 2
    /// `UNIX_DIAG_RQLEN`.
    static let attributeQueueLengths: UInt16 = 4
    /// `UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN`: what the dump asks for.
    static let show: UInt32 = 0x01 | 0x04 | 0x10
    /// `AF_UNIX`.
    static let familyUnix: UInt8 = 1

    /// Decodes `payload`.
    /// - Parameter payload: The netlink payload: a `unix_diag_msg` and its attributes.
    /// - Returns: The socket.
    /// - Throws: ``SockDiagError`` with code `malformedMessage` when the message is short, is not `AF_UNIX`, has
    ///   an attribute that runs past its end, or a peer or queue attribute of the wrong size.
    static func parse(_ payload: UnsafeRawBufferPointer) throws(SockDiagError) -> UnixSocket {
        guard payload.count >= messageSize else {
            throw .malformed("message of \(payload.count) bytes, a unix_diag_msg needs \(messageSize)")
        }
        guard payload[0] == familyUnix else {
            throw .malformed("family \(payload[0]) in a unix_diag reply")
        }
        var socket = UnixSocket(
            type: UnixSocketType(rawValue: payload[1]),
            state: TCPState(rawValue: payload[2]),
            inode: payload.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
        )
        var offset = messageSize
        while offset < payload.count {
            guard payload.count - offset >= 4 else {
                throw .malformed("\(payload.count - offset) stray bytes after the last attribute")
            }
            let length = Int(payload.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            let type =
                payload.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self)
                & InetDiagParser.attributeTypeMask
            guard length >= 4, length <= payload.count - offset else {
                throw .malformed("attribute \(type) of length \(length) at offset \(offset) of \(payload.count)")
            }
            switch type {
            case attributeName where length > 4:
                var end = offset + length
                // A path's address includes its terminating NUL; an abstract name is taken as it is.
                if payload[offset + 4] != 0 {
                    while end > offset + 4 && payload[end - 1] == 0 { end -= 1 }
                }
                socket.name = Array(payload[(offset + 4)..<end])
            case attributePeer:
                guard length >= 8 else { throw .malformed("UNIX_DIAG_PEER of length \(length)") }
                socket.peerInode = payload.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            case attributeQueueLengths:
                guard length >= 12 else { throw .malformed("UNIX_DIAG_RQLEN of length \(length)") }
                socket.receiveQueue = payload.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                socket.sendQueue = payload.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
            default:
                break
            }
            offset += (length + 3) & ~3
        }
        return socket
    }
}
