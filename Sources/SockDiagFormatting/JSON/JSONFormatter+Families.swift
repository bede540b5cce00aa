import SockDiag

extension JSONFormatter {
    /// Appends one object for a netlink socket: `protocol` (`netlink`), `state`, `netlink_protocol` (the number),
    /// `netlink_protocol_name` (ss's name, null without one), `port_id` (signed, as ss prints it; 0 for the
    /// kernel), `connected`, `peer_port_id`, `peer_group`, `groups` (the first 64 multicast groups' bits), `inode`,
    /// `recv_q`, `send_q`.
    public mutating func write(_ socket: NetlinkSocketEntry, to buffer: inout [UInt8]) {
        beginObject(to: &buffer)
        // ss's state for every netlink socket, connected or not.
        buffer.append(contentsOf: "\"protocol\":\"netlink\",\"state\":\"closed\",\"netlink_protocol\":".utf8)
        buffer.appendDecimal(UInt32(socket.netlinkProtocol))
        buffer.append(contentsOf: ",\"netlink_protocol_name\":".utf8)
        appendName(FamilyNames.netlinkProtocol(socket.netlinkProtocol), to: &buffer)
        buffer.append(contentsOf: ",\"port_id\":".utf8)
        buffer.appendSigned(Int32(bitPattern: socket.portID))
        buffer.append(contentsOf: socket.isConnected ? ",\"connected\":true".utf8 : ",\"connected\":false".utf8)
        buffer.append(contentsOf: ",\"peer_port_id\":".utf8)
        buffer.appendSigned(Int32(bitPattern: socket.peerPortID))
        buffer.append(contentsOf: ",\"peer_group\":".utf8)
        buffer.appendDecimal(socket.peerGroup)
        buffer.append(contentsOf: ",\"groups\":".utf8)
        buffer.appendDecimal(socket.groups)
        buffer.append(contentsOf: ",\"inode\":".utf8)
        buffer.appendDecimal(socket.inode)
        appendQueues(socket.receiveQueue, socket.sendQueue, to: &buffer)
    }

    /// Appends one object for a packet socket: `protocol` (`packet`), `type` (`raw`, `dgram`), `state`,
    /// `ether_protocol` (host order), `ether_protocol_name` (`all` for `ETH_P_ALL`, ss's name, or null),
    /// `interface_index` (0: every interface), `interface` (its name; null for every interface), `inode`, `uid`
    /// (null when not reported), `version` (`TPACKET_V1` is 0), `flags`, `fanout` (null without), `recv_q`, `send_q`.
    public mutating func write(_ socket: PacketSocket, to buffer: inout [UInt8]) {
        var interface: [UInt8] = []
        if socket.interfaceIndex != 0 { interface.appendJSONEscaped(interfaces.name(socket.interfaceIndex)) }
        beginObject(to: &buffer)
        buffer.append(contentsOf: "\"protocol\":\"packet\",\"type\":\"".utf8)
        buffer.append(socket.type == .raw ? "raw" : socket.type == .datagram ? "dgram" : "unknown")
        buffer.append(contentsOf: "\",\"state\":\"closed\",\"ether_protocol\":".utf8)
        buffer.appendDecimal(UInt32(socket.etherProtocol))
        buffer.append(contentsOf: ",\"ether_protocol_name\":".utf8)
        appendName(socket.etherProtocol == 3 ? "all" : FamilyNames.etherProtocol(socket.etherProtocol), to: &buffer)
        buffer.append(contentsOf: ",\"interface_index\":".utf8)
        buffer.appendDecimal(socket.interfaceIndex)
        appendInterface(interface, to: &buffer)
        buffer.append(contentsOf: ",\"inode\":".utf8)
        buffer.appendDecimal(socket.inode)
        buffer.append(contentsOf: ",\"uid\":".utf8)
        appendOptional(socket.uid, to: &buffer)
        buffer.append(contentsOf: ",\"version\":".utf8)
        buffer.appendDecimal(socket.version)
        buffer.append(contentsOf: ",\"flags\":".utf8)
        buffer.appendDecimal(socket.flags)
        buffer.append(contentsOf: ",\"fanout\":".utf8)
        appendOptional(socket.fanout, to: &buffer)
        appendQueues(socket.receiveQueue, 0, to: &buffer)
    }

    /// Appends one object for a vsock socket: `protocol` (`vsock`), `type` (`stream`, `dgram`, `seqpacket`), `state`,
    /// `local` and `peer` (`cid`, `port`: numbers, 4294967295 for any), `inode`, `recv_q`, `send_q` (0).
    public mutating func write(_ socket: VsockSocket, to buffer: inout [UInt8]) {
        beginObject(to: &buffer)
        buffer.append(contentsOf: "\"protocol\":\"vsock\",\"type\":\"".utf8)
        buffer.append(UnixSocketType(rawValue: socket.type).word)
        buffer.append(contentsOf: "\",\"state\":\"".utf8)
        buffer.append(socket.state.nameWord)
        for (key, cid, port) in [
            ("\",\"local\":{\"cid\":", socket.localCID, socket.localPort),
            ("},\"peer\":{\"cid\":", socket.peerCID, socket.peerPort),
        ] {
            buffer.append(contentsOf: key.utf8)
            buffer.appendDecimal(cid)
            buffer.append(contentsOf: ",\"port\":".utf8)
            buffer.appendDecimal(port)
        }
        buffer.append(contentsOf: "},\"inode\":".utf8)
        buffer.appendDecimal(socket.inode)
        appendQueues(0, 0, to: &buffer)
    }

    /// Appends one object for an XDP socket: `protocol` (`xdp`), `state`, `interface_index` (0 when unbound),
    /// `interface` (null when unbound), `queue_id`, `inode`, `uid` (null when not reported), `recv_q`, `send_q`.
    public mutating func write(_ socket: XDPSocket, to buffer: inout [UInt8]) {
        var interface: [UInt8] = []
        if socket.interfaceIndex != 0 { interface.appendJSONEscaped(interfaces.name(socket.interfaceIndex)) }
        beginObject(to: &buffer)
        buffer.append(contentsOf: "\"protocol\":\"xdp\",\"state\":\"closed\",\"interface_index\":".utf8)
        buffer.appendDecimal(socket.interfaceIndex)
        appendInterface(interface, to: &buffer)
        buffer.append(contentsOf: ",\"queue_id\":".utf8)
        buffer.appendDecimal(socket.queueID)
        buffer.append(contentsOf: ",\"inode\":".utf8)
        buffer.appendDecimal(socket.inode)
        buffer.append(contentsOf: ",\"uid\":".utf8)
        appendOptional(socket.uid, to: &buffer)
        appendQueues(socket.receiveQueue, 0, to: &buffer)
    }

    /// `,"interface":` and the escaped name, or null.
    private func appendInterface(_ interface: [UInt8], to buffer: inout [UInt8]) {
        buffer.append(contentsOf: ",\"interface\":".utf8)
        if interface.isEmpty {
            buffer.append(contentsOf: "null".utf8)
        } else {
            buffer.append(UInt8(ascii: "\""))
            buffer.append(contentsOf: interface)
            buffer.append(UInt8(ascii: "\""))
        }
    }

    /// The separator, the object's opening brace and the namespace key.
    private mutating func beginObject(to buffer: inout [UInt8]) {
        buffer.append(contentsOf: wroteElement ? ",\n{".utf8 : "\n{".utf8)
        wroteElement = true
        buffer.append(contentsOf: namespaceKey)
    }

    /// `recv_q`, `send_q` and the closing brace.
    private func appendQueues(_ receive: UInt32, _ send: UInt32, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: ",\"recv_q\":".utf8)
        buffer.appendDecimal(receive)
        buffer.append(contentsOf: ",\"send_q\":".utf8)
        buffer.appendDecimal(send)
        buffer.append(UInt8(ascii: "}"))
    }

    private func appendName(_ name: StaticString?, to buffer: inout [UInt8]) {
        guard let name else { return buffer.append(contentsOf: "null".utf8) }
        buffer.append(UInt8(ascii: "\""))
        buffer.append(name)
        buffer.append(UInt8(ascii: "\""))
    }

    private func appendOptional(_ value: UInt32?, to buffer: inout [UInt8]) {
        guard let value else { return buffer.append(contentsOf: "null".utf8) }
        buffer.appendDecimal(value)
    }
}
