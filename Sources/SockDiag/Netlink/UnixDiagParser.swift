/// Decodes one `unix_diag_msg` reply (with its attributes) straight from the receive buffer.
///
/// Layout (include/uapi/linux/unix_diag.h, 16 bytes, checked by a `_Static_assert` in the C shim): family, type,
/// state, pad (u8 each); inode (u32); cookie (u32[2]); then `nlattr`s: `UNIX_DIAG_NAME` (the `sun_path` bytes),
/// `UNIX_DIAG_PEER` (u32), `UNIX_DIAG_RQLEN` (`struct unix_diag_rqlen`: rqueue, wqueue), and when asked for
/// `UNIX_DIAG_VFS` (`struct unix_diag_vfs`: ino, dev), `UNIX_DIAG_ICONS` (u32 each), `UNIX_DIAG_MEMINFO`
/// (`u32 skmem[]`); `UNIX_DIAG_SHUTDOWN` (u8) always. Every attribute's size is checked before it is read; nothing
/// is allocated but a bound name and a listener's non-empty queue of pending peers.
enum UnixDiagParser {
    /// Size of `struct unix_diag_msg`.
    static let messageSize = 16
    /// `UNIX_DIAG_NAME`.
    static let attributeName: UInt16 = 0
    /// `UNIX_DIAG_VFS`.
    static let attributeFile: UInt16 = 1
    /// `UNIX_DIAG_PEER`.
    static let attributePeer: UInt16 = 2
    /// `UNIX_DIAG_ICONS`.
    static let attributePendingPeers: UInt16 = 3
    /// `UNIX_DIAG_RQLEN`.
    static let attributeQueueLengths: UInt16 = 4
    /// `UNIX_DIAG_MEMINFO`.
    static let attributeMemory: UInt16 = 5
    /// `UNIX_DIAG_SHUTDOWN`.
    static let attributeShutdown: UInt16 = 6
    /// `UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN`: what every dump asks for.
    static let show: UInt32 = 0x01 | 0x04 | 0x10
    /// `UDIAG_SHOW_VFS`.
    static let showFile: UInt32 = 0x02
    /// `UDIAG_SHOW_ICONS`.
    static let showPendingPeers: UInt32 = 0x08
    /// `UDIAG_SHOW_MEMINFO`.
    static let showMemory: UInt32 = 0x20
    /// `AF_UNIX`.
    static let familyUnix: UInt8 = 1

    /// Decodes `payload`.
    /// - Parameter payload: The netlink payload: a `unix_diag_msg` and its attributes.
    /// - Returns: The socket.
    /// - Throws: ``SockDiagError`` with code `malformedMessage` when the message is short, is not `AF_UNIX`, has
    ///   an attribute that runs past its end, or a peer, queue, file, pending-peer, memory or shutdown attribute of
    ///   the wrong size.
    static func parse(_ payload: UnsafeRawBufferPointer) throws(SockDiagError) -> UnixSocket {
        guard payload.count >= messageSize else {
            throw .malformed("message of \(payload.count) bytes, a unix_diag_msg needs \(messageSize)")
        }
        guard payload[0] == familyUnix else {
            throw .malformed("family \(payload[0]) in a unix_diag reply")
        }
        var socket = UnixSocket(
            type: UnixSocketType(rawValue: payload[1]),
            state: SocketState(rawValue: payload[2]),
            inode: payload.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
        )
        var attributes = NetlinkAttributes(in: payload, after: messageSize)
        while let attribute = try attributes.next() {
            let bytes = attribute.payload
            switch attribute.type {
            case attributeName where !bytes.isEmpty:
                var end = bytes.count
                // A path's address includes its terminating NUL; an abstract name is taken as it is.
                if bytes[0] != 0 {
                    while end > 0 && bytes[end - 1] == 0 { end -= 1 }
                }
                socket.name = Array(bytes[..<end])
            case attributePeer:
                guard let peer = attribute.value(UInt32.self) else {
                    throw .malformed("UNIX_DIAG_PEER of length \(NetlinkAttribute.headerSize + bytes.count)")
                }
                socket.peerInode = peer
            case attributeQueueLengths:
                guard bytes.count >= 8 else {
                    throw .malformed("UNIX_DIAG_RQLEN of length \(NetlinkAttribute.headerSize + bytes.count)")
                }
                socket.receiveQueue = bytes.word(0)
                socket.sendQueue = bytes.word(1)
            case attributeFile:
                guard bytes.count >= 8 else { throw attribute.invalidSize() }
                socket.file = UnixSocketFile(inode: bytes.word(0), device: bytes.word(1))
            case attributePendingPeers:
                guard bytes.count % 4 == 0 else { throw attribute.invalidSize() }
                socket.pendingPeers = bytes.isEmpty ? [] : (0..<(bytes.count / 4)).map { bytes.word($0) }
            case attributeMemory:
                socket.memory = try attribute.decode(SocketMemory.Counters.init(skmeminfo:))
            case attributeShutdown:
                guard let mask = attribute.value(UInt8.self) else { throw attribute.invalidSize() }
                socket.shutdown = SocketShutdown(rawValue: mask)
            default:
                break
            }
        }
        return socket
    }
}
