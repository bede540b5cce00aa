/// Decodes one `packet_diag_msg` reply (with its attributes) straight from the receive buffer.
///
/// Layout (include/uapi/linux/packet_diag.h, 16 bytes, checked by a `_Static_assert` in the C shim): family, type
/// (u8 each), protocol (u16, host order); inode (u32); cookie (u32[2]); then `nlattr`s: `PACKET_DIAG_INFO`
/// (`struct packet_diag_info`, 24 bytes), `PACKET_DIAG_FANOUT` (u32), `PACKET_DIAG_UID` (u32),
/// `PACKET_DIAG_MEMINFO` (`u32[SK_MEMINFO_VARS]`); rings, multicast lists and filters are skipped.
enum PacketDiagParser {
    /// Size of `struct packet_diag_msg`.
    static let messageSize = 16
    /// `PACKET_DIAG_INFO`.
    static let attributeInfo: UInt16 = 0
    /// `PACKET_DIAG_FANOUT`.
    static let attributeFanout: UInt16 = 4
    /// `PACKET_DIAG_UID`.
    static let attributeUID: UInt16 = 5
    /// `PACKET_DIAG_MEMINFO`.
    static let attributeMemInfo: UInt16 = 6
    /// `PACKET_SHOW_INFO | PACKET_SHOW_FANOUT | PACKET_SHOW_MEMINFO`: what the dump asks for.
    static let show: UInt32 = 0x1 | 0x8 | 0x10
    /// `AF_PACKET`.
    static let familyPacket: UInt8 = 17
    /// `sizeof(struct packet_diag_info)`.
    static let infoSize = 24

    /// Decodes `payload`.
    /// - Parameter payload: The netlink payload: a `packet_diag_msg` and its attributes.
    /// - Returns: The socket.
    /// - Throws: ``SockDiagError`` with code `malformedMessage` when the message is short, is not `AF_PACKET`, has
    ///   an attribute that runs past its end, or an info, fanout, uid or memory attribute of the wrong size.
    static func parse(_ payload: UnsafeRawBufferPointer) throws(SockDiagError) -> PacketSocket {
        guard payload.count >= messageSize else {
            throw .malformed("message of \(payload.count) bytes, a packet_diag_msg needs \(messageSize)")
        }
        guard payload[0] == familyPacket else {
            throw .malformed("family \(payload[0]) in a packet_diag reply")
        }
        let cookieLow = payload.word(2)
        let cookieHigh = payload.word(3)
        var socket = PacketSocket(
            type: PacketSocketType(rawValue: payload[1]),
            etherProtocol: payload.loadUnaligned(fromByteOffset: 2, as: UInt16.self),
            inode: payload.word(1),
            cookie: UInt64(cookieHigh) << 32 | UInt64(cookieLow)
        )
        var attributes = NetlinkAttributes(in: payload, after: messageSize)
        while let attribute = try attributes.next() {
            let bytes = attribute.payload
            switch attribute.type {
            case attributeInfo:
                guard bytes.count >= infoSize else { throw attribute.invalidSize() }
                socket.interfaceIndex = bytes.word(0)
                socket.version = bytes.word(1)
                socket.copyThreshold = bytes.word(3)
                socket.flags = bytes.word(5)
            case attributeFanout: socket.fanout = try attribute.word()
            case attributeUID: socket.uid = try attribute.word()
            case attributeMemInfo: socket.receiveQueue = try attribute.word()  // SK_MEMINFO_RMEM_ALLOC
            default:
                break
            }
        }
        return socket
    }
}

extension NetlinkAttribute {
    /// The payload's first 32-bit word (a u32 attribute, or `SK_MEMINFO_RMEM_ALLOC` of a memory attribute).
    /// - Throws: ``SockDiagError`` with code `malformedMessage` when the payload is shorter.
    @inline(__always)
    func word() throws(SockDiagError) -> UInt32 {
        guard let value = value(UInt32.self) else { throw invalidSize() }
        return value
    }
}
