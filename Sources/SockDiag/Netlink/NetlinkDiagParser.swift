/// Decodes one `netlink_diag_msg` reply (with its attributes) straight from the receive buffer.
///
/// Layout (include/uapi/linux/netlink_diag.h, 28 bytes, checked by a `_Static_assert` in the C shim): family, type,
/// protocol, state (u8 each); port id, peer port id, peer group, inode (u32 each); cookie (u32[2]); then `nlattr`s:
/// `NETLINK_DIAG_MEMINFO` (`u32[SK_MEMINFO_VARS]`), `NETLINK_DIAG_GROUPS` (the group bitmap, in longs).
enum NetlinkDiagParser {
    /// Size of `struct netlink_diag_msg`.
    static let messageSize = 28
    /// `NETLINK_DIAG_MEMINFO`.
    static let attributeMemInfo: UInt16 = 0
    /// `NETLINK_DIAG_GROUPS`.
    static let attributeGroups: UInt16 = 1
    /// `NDIAG_SHOW_MEMINFO | NDIAG_SHOW_GROUPS`: what the dump asks for.
    static let show: UInt32 = 0x1 | 0x2
    /// `AF_NETLINK`.
    static let familyNetlink: UInt8 = 16
    /// `NETLINK_CONNECTED`.
    static let stateConnected: UInt8 = 1

    /// Decodes `payload`.
    /// - Parameter payload: The netlink payload: a `netlink_diag_msg` and its attributes.
    /// - Returns: The socket.
    /// - Throws: ``SockDiagError`` with code `malformedMessage` when the message is short, is not `AF_NETLINK`, has
    ///   an attribute that runs past its end, or a memory attribute too short for the queues.
    static func parse(_ payload: UnsafeRawBufferPointer) throws(SockDiagError) -> NetlinkSocketEntry {
        guard payload.count >= messageSize else {
            throw .malformed("message of \(payload.count) bytes, a netlink_diag_msg needs \(messageSize)")
        }
        guard payload[0] == familyNetlink else {
            throw .malformed("family \(payload[0]) in a netlink_diag reply")
        }
        let cookieLow = payload.loadUnaligned(fromByteOffset: 20, as: UInt32.self)
        let cookieHigh = payload.loadUnaligned(fromByteOffset: 24, as: UInt32.self)
        var socket = NetlinkSocketEntry(
            netlinkProtocol: payload[2],
            portID: payload.word(1),
            peerPortID: payload.word(2),
            peerGroup: payload.word(3),
            isConnected: payload[3] == stateConnected,
            inode: payload.word(4),
            cookie: UInt64(cookieHigh) << 32 | UInt64(cookieLow)
        )
        var attributes = NetlinkAttributes(in: payload, after: messageSize)
        while let attribute = try attributes.next() {
            let bytes = attribute.payload
            switch attribute.type {
            case attributeMemInfo:
                // SK_MEMINFO_RMEM_ALLOC and SK_MEMINFO_WMEM_ALLOC (indexes 0 and 2).
                guard bytes.count >= 12 else { throw attribute.invalidSize() }
                socket.receiveQueue = bytes.word(0)
                socket.sendQueue = bytes.word(2)
            case attributeGroups:
                // The bitmap is a whole number of longs; the first 64 groups are the first 8 bytes (4 on 32-bit).
                var groups: UInt64 = 0
                for index in 0..<min(bytes.count, 8) { groups |= UInt64(bytes[index]) << (8 * UInt64(index)) }
                socket.groups = groups
            default:
                break
            }
        }
        return socket
    }
}
