/// Decodes one `inet_diag_msg` reply (with its attributes) straight from the receive buffer into a ``Socket``.
///
/// The message's layout is ``InetDiagMessage``'s; the attributes are walked with ``NetlinkAttributes`` and each is
/// decoded by the decoder beside its model (`TCPInfo.init(bytes:)`, `SocketMemory.Counters.init(skmeminfo:)`, …).
enum InetDiagParser {
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
    /// `INET_DIAG_TOS` (u8).
    static let attributeTOS: UInt16 = 5
    /// `INET_DIAG_TCLASS` (u8).
    static let attributeTrafficClass: UInt16 = 6
    /// `INET_DIAG_CLASS_ID` (u32).
    static let attributeClassID: UInt16 = 17
    /// `INET_DIAG_SOCKOPT` (`struct inet_diag_sockopt`, 2 bytes).
    static let attributeSocketOptions: UInt16 = 22
    /// `INET_DIAG_SK_BPF_STORAGES` (nested `SK_DIAG_BPF_STORAGE` { `..._MAP_ID`, `..._MAP_VALUE` }).
    static let attributeStorages: UInt16 = 20
    /// `INET_DIAG_CGROUP_ID` (u64).
    static let attributeCgroupID: UInt16 = 21

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
        let message = try InetDiagMessage(payload)
        var state = message.state
        if boundInactiveRequested && transport == .tcp && state == .closed {
            state = .boundInactive
        }
        var socket = Socket(
            transport: transport,
            family: message.family,
            state: state,
            local: Endpoint(address: message.localAddress, port: message.localPort),
            peer: Endpoint(address: message.peerAddress, port: message.peerPort),
            receiveQueue: message.receiveQueue,
            sendQueue: message.sendQueue,
            uid: message.uid,
            inode: UInt64(message.inode),
            cookie: message.cookie,
            interfaceIndex: message.interfaceIndex,
            timer: message.timer
        )
        // Extension attributes go straight into the details storage, taken on the first one: no 465-byte
        // `TCPInfo?` local that the compiler would copy several times per socket even when there is none.
        var details: SocketDetails.Storage?
        var attributes = message.attributes
        while let attribute = try attributes.next() {
            switch attribute.type {
            case attributeV6Only:
                if let flag = attribute.value(UInt8.self) { socket.v6Only = flag != 0 }
            case attributeMark:
                if let mark = attribute.value(UInt32.self) { socket.mark = mark }
            case attributeCgroupID:
                if let id = attribute.value(UInt64.self) { socket.cgroupID = id }
            case attributeShutdown:
                socket.shutdown = SocketShutdown(rawValue: try attribute.decode { $0.first })
            case attributeInfo where transport != .mptcp:
                // MPTCP's INET_DIAG_INFO is a `struct mptcp_info`, not a `tcp_info`: not decoded.
                let info = try attribute.decode(TCPInfo.init(bytes:))
                storage(&details, reusing: &reuse).tcpInfo = info
            case attributeCongestion:
                let name = try attribute.decode(CongestionControlName.init(bytes:))
                storage(&details, reusing: &reuse).congestion = name
            case attributeSKMemInfo:
                let counters = try attribute.decode(SocketMemory.Counters.init(skmeminfo:))
                let storage = storage(&details, reusing: &reuse)
                storage.memory = SocketMemory(counters: counters, queues: storage.memory?.queues)
            case attributeMemInfo:
                let queues = try attribute.decode(SocketMemory.Queues.init(meminfo:))
                let storage = storage(&details, reusing: &reuse)
                storage.memory = SocketMemory(counters: storage.memory?.counters, queues: queues)
            case attributeSocketOptions:
                socket.inetOptions = InetSocketOptions(sockopt: attribute.payload)
            case attributeTOS, attributeTrafficClass, attributeClassID:
                let storage = storage(&details, reusing: &reuse)
                var service = storage.typeOfService ?? TypeOfService()
                switch attribute.type {
                case attributeTOS: service.tos = attribute.value(UInt8.self)
                case attributeTrafficClass: service.trafficClass = attribute.value(UInt8.self)
                default: service.classID = attribute.value(UInt32.self)
                }
                storage.typeOfService = service
            case attributeVegasInfo:
                let info = try attribute.decode(CongestionControlInfo.init(vegasInfo:))
                storage(&details, reusing: &reuse).congestionControlInfo = info
            case attributeDCTCPInfo:
                let info = try attribute.decode(CongestionControlInfo.init(dctcpInfo:))
                storage(&details, reusing: &reuse).congestionControlInfo = info
            case attributeBBRInfo:
                let info = try attribute.decode(CongestionControlInfo.init(bbrInfo:))
                storage(&details, reusing: &reuse).congestionControlInfo = info
            case attributeStorages:
                if let owners = try storedOwners(attribute.payload) {
                    storage(&details, reusing: &reuse).storedOwners = owners
                }
            default:
                break
            }
        }
        if let details {
            socket.details = SocketDetails(storage: details)
        }
        return socket
    }

    /// The owner record in `INET_DIAG_SK_BPF_STORAGES`'s payload: the first `SK_DIAG_BPF_STORAGE` (the query names
    /// one map) and its `SK_DIAG_BPF_STORAGE_MAP_VALUE` (3), after an optional padding attribute; `nil` when
    /// there is none.
    /// - Throws: ``SockDiagError`` with code `malformedMessage` for a nested attribute past its parent's end, or a
    ///   value shorter than the record.
    private static func storedOwners(_ payload: UnsafeRawBufferPointer) throws(SockDiagError) -> SocketStoredOwners? {
        var storages = NetlinkAttributes(in: payload, after: 0)
        while let storage = try storages.next() {
            guard storage.type == 1 else { continue }
            var fields = NetlinkAttributes(in: storage.payload, after: 0)
            while let field = try fields.next() {
                if field.type == 3 { return try field.decode(SocketStoredOwners.init(value:)) }
            }
        }
        return nil
    }

    /// The socket's details storage: `details` once taken, else `reuse` cleared when nothing else holds it any more,
    /// else a new one (which becomes `reuse`).
    @inline(__always)
    private static func storage(
        _ details: inout SocketDetails.Storage?,
        reusing reuse: inout SocketDetails.Storage?
    ) -> SocketDetails.Storage {
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
}
