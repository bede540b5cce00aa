/// Decodes one `vsock_diag_msg` or `xdp_diag_msg` reply straight from the receive buffer.
///
/// `vsock_diag_msg` (include/uapi/linux/vm_sockets_diag.h, 32 bytes, no attributes): family, type, state, shutdown
/// (u8 each); source cid, source port, destination cid, destination port, inode (u32 each); cookie (u32[2]).
/// `xdp_diag_msg` (include/uapi/linux/xdp_diag.h, 16 bytes): family, type (u8), padding (u16), inode (u32), cookie
/// (u32[2]); then `nlattr`s: `XDP_DIAG_INFO` (ifindex, queue id), `XDP_DIAG_UID` (u32), `XDP_DIAG_MEMINFO`
/// (`u32[SK_MEMINFO_VARS]`); rings, umem and statistics are skipped. Sizes are checked by `_Static_assert`s in the C
/// shim.
enum VsockXDPDiagParser {
    /// `sizeof(struct vsock_diag_msg)`.
    static let vsockMessageSize = 32
    /// `sizeof(struct xdp_diag_msg)`.
    static let xdpMessageSize = 16
    /// `AF_VSOCK`, `AF_XDP`.
    static let familyVsock: UInt8 = 40
    static let familyXDP: UInt8 = 44
    /// `XDP_DIAG_INFO`, `XDP_DIAG_UID`, `XDP_DIAG_MEMINFO`.
    static let attributeInfo: UInt16 = 1
    static let attributeUID: UInt16 = 2
    static let attributeMemInfo: UInt16 = 8
    /// `XDP_SHOW_INFO | XDP_SHOW_MEMINFO`: what the dump asks for.
    static let xdpShow: UInt32 = 0x1 | 0x8

    /// Decodes a vsock reply.
    /// - Throws: ``SockDiagError`` with code `malformedMessage` when the message is short or not `AF_VSOCK`.
    static func parseVsock(_ payload: UnsafeRawBufferPointer) throws(SockDiagError) -> VsockSocket {
        guard payload.count >= vsockMessageSize else {
            throw .malformed("message of \(payload.count) bytes, a vsock_diag_msg needs \(vsockMessageSize)")
        }
        guard payload[0] == familyVsock else { throw .malformed("family \(payload[0]) in a vsock_diag reply") }
        return VsockSocket(
            type: payload[1],
            state: SocketState(rawValue: payload[2]),
            localCID: payload.word(1),
            localPort: payload.word(2),
            peerCID: payload.word(3),
            peerPort: payload.word(4),
            inode: payload.word(5),
            cookie: UInt64(payload.word(7)) << 32 | UInt64(payload.word(6))
        )
    }

    /// Decodes an XDP reply.
    /// - Throws: ``SockDiagError`` with code `malformedMessage` when the message is short, not `AF_XDP`, has an
    ///   attribute that runs past its end, or an info, uid or memory attribute of the wrong size.
    static func parseXDP(_ payload: UnsafeRawBufferPointer) throws(SockDiagError) -> XDPSocket {
        guard payload.count >= xdpMessageSize else {
            throw .malformed("message of \(payload.count) bytes, an xdp_diag_msg needs \(xdpMessageSize)")
        }
        guard payload[0] == familyXDP else { throw .malformed("family \(payload[0]) in an xdp_diag reply") }
        var socket = XDPSocket(inode: payload.word(1), cookie: UInt64(payload.word(3)) << 32 | UInt64(payload.word(2)))
        var attributes = NetlinkAttributes(in: payload, after: xdpMessageSize)
        while let attribute = try attributes.next() {
            let bytes = attribute.payload
            switch attribute.type {
            case attributeInfo:
                guard bytes.count >= 8 else { throw attribute.invalidSize() }
                socket.interfaceIndex = bytes.word(0)
                socket.queueID = bytes.word(1)
            case attributeUID: socket.uid = try attribute.word()
            case attributeMemInfo: socket.receiveQueue = try attribute.word()  // SK_MEMINFO_RMEM_ALLOC
            default:
                break
            }
        }
        return socket
    }
}
