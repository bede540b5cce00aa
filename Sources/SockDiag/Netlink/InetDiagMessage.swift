/// A `struct inet_diag_msg` (include/uapi/linux/inet_diag.h) read in place from a reply payload: the one place that
/// knows its layout, for the parser and for the counters that read only the fixed header.
///
/// Layout (72 bytes, checked by a `_Static_assert` in the C shim): family, state, timer, retrans (u8 each); the
/// 48-byte `inet_diag_sockid` (ports and addresses in network order, interface and cookie in host order); expires,
/// rqueue, wqueue, uid, inode (u32, host order); then the `nlattr`s.
struct InetDiagMessage {
    /// Size of `struct inet_diag_msg`.
    static let size = 72

    /// Byte offsets of the fields.
    enum Offset {
        static let family = 0
        static let state = 1
        static let timer = 2
        static let retransmits = 3
        static let sourcePort = 4
        static let destinationPort = 6
        static let sourceAddress = 8
        static let destinationAddress = 24
        static let interface = 40
        static let cookie = 44
        static let expires = 52
        static let receiveQueue = 56
        static let sendQueue = 60
        static let uid = 64
        static let inode = 68
    }

    /// The payload: the message and its attributes.
    let bytes: UnsafeRawBufferPointer
    /// `idiag_family`.
    let family: AddressFamily

    /// Checks that `payload` holds a whole `inet_diag_msg` of a known family.
    /// - Throws: ``SockDiagError`` with code `malformedMessage` when it is short or names an unknown family.
    @inline(__always)
    init(_ payload: UnsafeRawBufferPointer) throws(SockDiagError) {
        guard payload.count >= Self.size else {
            throw .malformed("message of \(payload.count) bytes, an inet_diag_msg needs \(Self.size)")
        }
        guard let family = AddressFamily(rawValue: payload[Offset.family]) else {
            throw .malformed("unknown address family \(payload[Offset.family])")
        }
        self.bytes = payload
        self.family = family
    }

    /// `idiag_state`, as the kernel reports it.
    @inline(__always) var state: SocketState { SocketState(rawValue: bytes[Offset.state]) }

    /// `idiag_sport`.
    @inline(__always) var localPort: UInt16 { port(at: Offset.sourcePort) }
    /// `idiag_dport`.
    @inline(__always) var peerPort: UInt16 { port(at: Offset.destinationPort) }
    /// `idiag_src`, with the interface as the scope of a link-local IPv6 address.
    @inline(__always) var localAddress: IPAddress { address(at: Offset.sourceAddress) }
    /// `idiag_dst`, with the interface as the scope of a link-local IPv6 address.
    @inline(__always) var peerAddress: IPAddress { address(at: Offset.destinationAddress) }
    /// `idiag_if`.
    @inline(__always) var interfaceIndex: UInt32 { word(at: Offset.interface) }
    /// `idiag_cookie`, both halves.
    @inline(__always) var cookie: UInt64 {
        UInt64(word(at: Offset.cookie + 4)) << 32 | UInt64(word(at: Offset.cookie))
    }
    /// `idiag_timer`, `idiag_expires` and `idiag_retrans`.
    @inline(__always) var timer: SocketTimer {
        SocketTimer(
            kind: SocketTimer.Kind(rawValue: bytes[Offset.timer]),
            expiresMilliseconds: word(at: Offset.expires),
            retransmits: bytes[Offset.retransmits]
        )
    }
    /// `idiag_rqueue`.
    @inline(__always) var receiveQueue: UInt32 { word(at: Offset.receiveQueue) }
    /// `idiag_wqueue`.
    @inline(__always) var sendQueue: UInt32 { word(at: Offset.sendQueue) }
    /// `idiag_uid`.
    @inline(__always) var uid: UInt32 { word(at: Offset.uid) }
    /// `idiag_inode`.
    @inline(__always) var inode: UInt32 { word(at: Offset.inode) }

    /// The attributes after the message.
    @inline(__always) var attributes: NetlinkAttributes { NetlinkAttributes(in: bytes, after: Self.size) }

    @inline(__always)
    private func word(at offset: Int) -> UInt32 {
        bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
    }

    @inline(__always)
    private func port(at offset: Int) -> UInt16 {
        UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always)
    private func address(at offset: Int) -> IPAddress {
        switch family {
        case .inet:
            return .v4(IPv4Address(rawValue: UInt32(bigEndian: word(at: offset))))
        case .inet6:
            let high = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            let low = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
            let address = IPv6Address(high: high, low: low)
            return .v6(address.isLinkLocal ? IPv6Address(high: high, low: low, scopeID: interfaceIndex) : address)
        }
    }
}
