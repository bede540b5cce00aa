/// A sock_diag dump request for a family whose request is a small fixed struct with no attributes: netlink
/// (`netlink_diag_req`), packet (`packet_diag_req`), vsock (`vsock_diag_req`) and XDP (`xdp_diag_req`) sockets.
///
/// Layout: the 16-byte `nlmsghdr` (`SOCK_DIAG_BY_FAMILY`, `NLM_F_REQUEST | NLM_F_DUMP`), then the family, the
/// protocol byte, two bytes of padding and the request's words: for netlink, packet and XDP the inode (0: every
/// socket), the show bits and the cookie (20 bytes; sizes checked by `_Static_assert`s in the C shim); for vsock
/// the states first (24 bytes).
struct FamilyDumpRequest: Sendable, Hashable {
    /// `AF_NETLINK`, `AF_PACKET`, `AF_VSOCK`, `AF_XDP`.
    let family: UInt8
    /// The protocol byte (`NDIAG_PROTO_ALL` for netlink; 0 otherwise).
    let protocolByte: UInt8
    /// The words after the padding (states for vsock; inode, show bits and cookie halves for the others).
    let words: [UInt32]
    /// The name in error messages.
    let label: String

    /// `SOCK_DIAG_BY_FAMILY`.
    static let messageType: UInt16 = 20
    /// `NLM_F_REQUEST | NLM_F_DUMP`.
    static let flags: UInt16 = 0x1 | 0x300

    /// Every netlink socket, with its groups and memory (`NDIAG_PROTO_ALL`, `NDIAG_SHOW_GROUPS |
    /// NDIAG_SHOW_MEMINFO`), as ss asks.
    static let netlink = FamilyDumpRequest(
        family: NetlinkDiagParser.familyNetlink,
        protocolByte: 255,
        words: [0, NetlinkDiagParser.show, 0, 0],
        label: "netlink"
    )

    /// Every packet socket, with its info, memory, rings and fanout (`PACKET_SHOW_INFO | PACKET_SHOW_MEMINFO |
    /// PACKET_SHOW_RING_CFG | PACKET_SHOW_FANOUT`).
    static let packet = FamilyDumpRequest(
        family: PacketDiagParser.familyPacket,
        protocolByte: 0,
        words: [0, PacketDiagParser.show, 0, 0],
        label: "packet"
    )

    /// Every vsock socket in `states` (`vdiag_states`).
    static func vsock(states: StateSet) -> FamilyDumpRequest {
        FamilyDumpRequest(
            family: VsockXDPDiagParser.familyVsock,
            protocolByte: 0,
            words: [states.intersection(.all).rawValue, 0, 0, 0, 0],
            label: "vsock"
        )
    }

    /// Every XDP socket, with its info and memory (`XDP_SHOW_INFO | XDP_SHOW_MEMINFO`).
    static let xdp = FamilyDumpRequest(
        family: VsockXDPDiagParser.familyXDP,
        protocolByte: 0,
        words: [0, VsockXDPDiagParser.xdpShow, 0, 0],
        label: "xdp"
    )

    /// The request's length: header, family, protocol, padding and words.
    var size: Int { 16 + 4 + 4 * words.count }

    /// Writes the request at the start of `buffer` and returns its length, or 0 when the buffer is too small.
    func write(sequence: UInt32, to buffer: UnsafeMutableRawBufferPointer) -> Int {
        let size = self.size
        guard buffer.count >= size else { return 0 }
        let request = UnsafeMutableRawBufferPointer(rebasing: buffer[..<size])
        request.initializeMemory(as: UInt8.self, repeating: 0)
        request.storeBytes(of: UInt32(size), toByteOffset: 0, as: UInt32.self)
        request.storeBytes(of: Self.messageType, toByteOffset: 4, as: UInt16.self)
        request.storeBytes(of: Self.flags, toByteOffset: 6, as: UInt16.self)
        request.storeBytes(of: sequence, toByteOffset: 8, as: UInt32.self)
        request[16] = family
        request[17] = protocolByte
        for (index, word) in words.enumerated() {
            request.storeBytes(of: word, toByteOffset: 20 + 4 * index, as: UInt32.self)
        }
        return size
    }
}
