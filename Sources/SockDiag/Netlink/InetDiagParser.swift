/// Decodes one `inet_diag_msg` reply (with its attributes) straight from the receive buffer.
///
/// Layout (include/uapi/linux/inet_diag.h): family, state, timer, retrans (u8 each); the 48-byte
/// `inet_diag_sockid` (ports and addresses in network order, interface and cookie in host order);
/// expires, rqueue, wqueue, uid, inode (u32, host order); then `nlattr`s.
enum InetDiagParser {
    /// Size of `struct inet_diag_msg`.
    static let messageSize = 72
    /// `INET_DIAG_MEMINFO` (`struct inet_diag_meminfo`, 16 bytes).
    static let attributeMemInfo: UInt16 = 1
    /// `INET_DIAG_INFO` (`struct tcp_info`, by length).
    static let attributeInfo: UInt16 = 2
    /// `INET_DIAG_VEGASINFO` (`struct tcpvegas_info`, 16 bytes).
    static let attributeVegasInfo: UInt16 = 3
    /// `INET_DIAG_CONG` (NUL-terminated name).
    static let attributeCongestion: UInt16 = 4
    /// `INET_DIAG_SKMEMINFO` (`u32[SK_MEMINFO_VARS]`, by length).
    static let attributeSKMemInfo: UInt16 = 7
    /// `INET_DIAG_SHUTDOWN` (u8).
    static let attributeShutdown: UInt16 = 8
    /// `INET_DIAG_DCTCPINFO` (`struct tcp_dctcp_info`, 16 bytes).
    static let attributeDCTCPInfo: UInt16 = 9
    /// `INET_DIAG_BBRINFO` (`struct tcp_bbr_info`, 20 bytes).
    static let attributeBBRInfo: UInt16 = 16
    /// `INET_DIAG_SKV6ONLY`.
    static let attributeV6Only: UInt16 = 11
    /// `INET_DIAG_MARK` (u32, CAP_NET_ADMIN only).
    static let attributeMark: UInt16 = 15
    /// `INET_DIAG_CGROUP_ID` (u64).
    static let attributeCgroupID: UInt16 = 21
    /// Mask of the type bits of `nla_type` (`NLA_TYPE_MASK`).
    static let attributeTypeMask: UInt16 = 0x3FFF

    /// Decodes `payload`.
    /// - Parameters:
    ///   - payload: The netlink payload: an `inet_diag_msg` and its attributes.
    ///   - transport: The protocol the request asked for (the message does not say).
    ///   - boundInactiveRequested: Whether the request set the bound-inactive state bit: the kernel reports
    ///     those TCP sockets as `TCP_CLOSE`, and no other TCP socket in that state is hashed.
    ///   - reuse: Storage for the extension attributes that the previous socket used: overwritten when nothing
    ///     else holds it any more, else replaced by a new one (so streaming allocates nothing per socket).
    /// - Returns: The socket.
    /// - Throws: ``SockDiagError`` with code `malformedMessage` when the message is short, names an
    ///   unknown family, has an attribute that runs past its end, or an extension attribute of the wrong size.
    @inline(__always)
    static func parse(
        _ payload: UnsafeRawBufferPointer,
        transport: TransportProtocol,
        boundInactiveRequested: Bool,
        reuse: inout SocketDetails.Storage?
    ) throws(SockDiagError) -> Socket {
        guard payload.count >= messageSize else {
            throw .malformed("message of \(payload.count) bytes, an inet_diag_msg needs \(messageSize)")
        }
        let familyByte = payload[0]
        var state = TCPState(rawValue: payload[1])
        let timer = SocketTimer(
            kind: SocketTimer.Kind(rawValue: payload[2]),
            expiresMilliseconds: payload.loadUnaligned(fromByteOffset: 52, as: UInt32.self),
            retransmits: payload[3]
        )
        let sourcePort = UInt16(bigEndian: payload.loadUnaligned(fromByteOffset: 4, as: UInt16.self))
        let destinationPort = UInt16(bigEndian: payload.loadUnaligned(fromByteOffset: 6, as: UInt16.self))
        let interfaceIndex = payload.loadUnaligned(fromByteOffset: 40, as: UInt32.self)
        let family: AddressFamily
        let localAddress: IPAddress
        let peerAddress: IPAddress
        switch familyByte {
        case AddressFamily.inet.rawValue:
            family = .inet
            localAddress = .v4(
                IPv4Address(rawValue: UInt32(bigEndian: payload.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
            )
            peerAddress = .v4(
                IPv4Address(rawValue: UInt32(bigEndian: payload.loadUnaligned(fromByteOffset: 24, as: UInt32.self)))
            )
        case AddressFamily.inet6.rawValue:
            family = .inet6
            localAddress = .v6(ipv6(payload, offset: 8, interfaceIndex: interfaceIndex))
            peerAddress = .v6(ipv6(payload, offset: 24, interfaceIndex: interfaceIndex))
        default:
            throw .malformed("unknown address family \(familyByte)")
        }
        let cookieLow = payload.loadUnaligned(fromByteOffset: 44, as: UInt32.self)
        let cookieHigh = payload.loadUnaligned(fromByteOffset: 48, as: UInt32.self)
        if boundInactiveRequested && transport == .tcp && state == .closed {
            state = .boundInactive
        }

        var v6Only: Bool?
        var mark: UInt32?
        var cgroupID: UInt64?
        var shutdown: SocketShutdown?
        // Extension attributes go straight into the details storage, taken on the first one: no 465-byte
        // `TCPInfo?` local that the compiler would copy several times per socket even when there is none.
        var details: SocketDetails.Storage?
        @inline(__always)
        func storage() -> SocketDetails.Storage {
            if let details { return details }
            let storage: SocketDetails.Storage
            if isKnownUniquelyReferenced(&reuse) {
                storage = reuse!
                storage.clear()
            } else {
                storage = SocketDetails.Storage()
                reuse = storage
            }
            details = storage
            return storage
        }
        var offset = messageSize
        while offset < payload.count {
            guard payload.count - offset >= 4 else {
                throw .malformed("\(payload.count - offset) stray bytes after the last attribute")
            }
            let length = Int(payload.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            let type = payload.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self) & attributeTypeMask
            guard length >= 4, length <= payload.count - offset else {
                throw .malformed("attribute \(type) of length \(length) at offset \(offset) of \(payload.count)")
            }
            /// The attribute's `index`th 32-bit word (the array-of-u32 extensions: skmem, meminfo, vegas, dctcp, bbr).
            func word(_ index: Int) -> UInt32 {
                payload.loadUnaligned(fromByteOffset: offset + 4 + 4 * index, as: UInt32.self)
            }
            switch type {
            case attributeV6Only where length >= 5:
                v6Only = payload[offset + 4] != 0
            case attributeMark where length >= 8:
                mark = payload.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            case attributeCgroupID where length >= 12:
                cgroupID = payload.loadUnaligned(fromByteOffset: offset + 4, as: UInt64.self)
            case attributeShutdown:
                guard length >= 5 else { throw badLength(type, length) }
                shutdown = SocketShutdown(rawValue: payload[offset + 4])
            case attributeInfo:
                let bytes = UnsafeRawBufferPointer(rebasing: payload[(offset + 4)..<(offset + length)])
                guard let info = TCPInfo(bytes: bytes) else { throw badLength(type, length) }
                storage().tcpInfo = info
            case attributeCongestion:
                let bytes = UnsafeRawBufferPointer(rebasing: payload[(offset + 4)..<(offset + length)])
                guard let name = CongestionControlName(bytes: bytes) else { throw badLength(type, length) }
                storage().congestion = name
            case attributeSKMemInfo:
                let count = (length - 4) / 4
                guard count >= SocketMemory.Counters.minimumCount else { throw badLength(type, length) }
                let counters = SocketMemory.Counters(
                    receiveAllocated: word(0),
                    receiveBuffer: word(1),
                    sendAllocated: word(2),
                    sendBuffer: word(3),
                    forwardAllocated: word(4),
                    sendQueued: word(5),
                    optionMemory: word(6),
                    backlog: count > 7 ? word(7) : nil,
                    drops: count > 8 ? word(8) : nil
                )
                let details = storage()
                details.memory = SocketMemory(counters: counters, queues: details.memory?.queues)
            case attributeMemInfo:
                guard length >= 4 + 16 else { throw badLength(type, length) }
                let queues = SocketMemory.Queues(
                    receive: word(0),
                    send: word(1),
                    forwardAllocated: word(2),
                    transmit: word(3)
                )
                let details = storage()
                details.memory = SocketMemory(counters: details.memory?.counters, queues: queues)
            case attributeVegasInfo:
                guard length >= 4 + 16 else { throw badLength(type, length) }
                storage().congestionControlInfo = .vegas(
                    enabled: word(0),
                    rttCount: word(1),
                    rtt: word(2),
                    minRTT: word(3)
                )
            case attributeDCTCPInfo:
                guard length >= 4 + 16 else { throw badLength(type, length) }
                storage().congestionControlInfo = .dctcp(
                    enabled: payload.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self),
                    ceState: payload.loadUnaligned(fromByteOffset: offset + 6, as: UInt16.self),
                    alpha: word(1),
                    ackedBytesECN: word(2),
                    ackedBytesTotal: word(3)
                )
            case attributeBBRInfo:
                guard length >= 4 + 20 else { throw badLength(type, length) }
                storage().congestionControlInfo = .bbr(
                    bandwidth: UInt64(word(1)) << 32 | UInt64(word(0)),
                    minRTT: word(2),
                    pacingGain: word(3),
                    congestionWindowGain: word(4)
                )
            default:
                break
            }
            offset += (length + 3) & ~3
        }

        var socket = Socket(
            transport: transport,
            family: family,
            state: state,
            local: Endpoint(address: localAddress, port: sourcePort),
            peer: Endpoint(address: peerAddress, port: destinationPort),
            receiveQueue: payload.loadUnaligned(fromByteOffset: 56, as: UInt32.self),
            sendQueue: payload.loadUnaligned(fromByteOffset: 60, as: UInt32.self),
            uid: payload.loadUnaligned(fromByteOffset: 64, as: UInt32.self),
            inode: UInt64(payload.loadUnaligned(fromByteOffset: 68, as: UInt32.self)),
            cookie: UInt64(cookieHigh) << 32 | UInt64(cookieLow),
            interfaceIndex: interfaceIndex,
            timer: timer,
            v6Only: v6Only,
            mark: mark,
            cgroupID: cgroupID,
            shutdown: shutdown
        )
        if let details {
            socket.details = SocketDetails(storage: details)
        }
        return socket
    }

    private static func badLength(_ type: UInt16, _ length: Int) -> SockDiagError {
        .malformed("attribute \(type) has a payload of \(length - 4) bytes, which is not a valid size for it")
    }

    @inline(__always)
    static func ipv6(_ payload: UnsafeRawBufferPointer, offset: Int, interfaceIndex: UInt32) -> IPv6Address {
        let high = UInt64(bigEndian: payload.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        let low = UInt64(bigEndian: payload.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
        let address = IPv6Address(high: high, low: low)
        return address.isLinkLocal ? IPv6Address(high: high, low: low, scopeID: interfaceIndex) : address
    }
}
