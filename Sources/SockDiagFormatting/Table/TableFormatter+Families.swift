import SockDiag

extension TableFormatter {
    /// Appends one row for a netlink socket, as ss prints it: `nl UNCONN 0 0 rtnl:kernel *`: the protocol's name
    /// and the owner (`kernel` for port id 0, `comm/pid` when the port id is a process's id, else the port id) in the
    /// local column; the peer's group and port id when connected, else `*`. With ``numeric``, numbers only.
    public func write(_ socket: NetlinkSocketEntry, to buffer: inout [UInt8]) {
        var local: [UInt8] = []
        if !numeric, let name = FamilyNames.netlinkProtocol(socket.netlinkProtocol) {
            local.append(name)
        } else {
            local.appendDecimal(UInt32(socket.netlinkProtocol))
        }
        var owner: [UInt8] = []
        let pid = Int32(bitPattern: socket.portID)
        if numeric || pid < 0 {
            owner.appendSigned(pid)
        } else if pid == 0 {
            owner.append(contentsOf: "kernel".utf8)
        } else if let name = processName?(socket.portID) {
            owner.append(contentsOf: name)
            owner.append(UInt8(ascii: "/"))
            owner.appendSigned(pid)
        } else {
            owner.appendSigned(pid)
        }
        var peer: [UInt8] = []
        var peerPort: [UInt8] = []
        if socket.isConnected {
            peer.appendDecimal(socket.peerGroup)
            peerPort.appendSigned(Int32(bitPattern: socket.peerPortID))
        }
        writeFamilyRow(
            netid: "nl",
            state: .closed,
            queues: (socket.receiveQueue, socket.sendQueue),
            local: (local, owner),
            peer: socket.isConnected ? (peer, peerPort) : nil,
            to: &buffer
        )
        if details.contains(.extended) {
            // ss prints the kernel's sk and cb only from /proc/net/netlink; netlink_diag has neither (0).
            buffer.append(contentsOf: " sk=0 cb=0 groups=0x".utf8)
            buffer.appendHex(UInt32(truncatingIfNeeded: socket.groups), digits: 8)
        }
        buffer.append(writesCells ? ColumnLayout.cellEnd : UInt8(ascii: "\n"))
    }

    /// Appends one row for a packet socket, as ss prints it: `p_raw UNCONN 0 0 *:eth0 *`: the link-layer protocol
    /// (`*` for every protocol, its name, or `[number]`) and the interface (`*` for every one) in the local column.
    public mutating func write(_ socket: PacketSocket, to buffer: inout [UInt8]) {
        var local: [UInt8] = []
        if socket.etherProtocol == 3 {
            local.append(UInt8(ascii: "*"))
        } else if !numeric, let name = FamilyNames.etherProtocol(socket.etherProtocol) {
            local.append(name)
        } else {
            local.append(UInt8(ascii: "["))
            local.appendDecimal(UInt32(socket.etherProtocol))
            local.append(UInt8(ascii: "]"))
        }
        let interface: [UInt8] =
            socket.interfaceIndex == 0 ? [UInt8(ascii: "*")] : interfaces.name(socket.interfaceIndex)
        writeFamilyRow(
            netid: socket.type == .raw ? "p_raw" : "p_dgr",
            state: .closed,
            queues: (socket.receiveQueue, 0),
            local: (local, interface),
            peer: nil,
            to: &buffer
        )
        if details.contains(.extended) {
            Self.writeOwnerDetails(uid: socket.uid, inode: socket.inode, cookie: socket.cookie, to: &buffer)
            Self.writePacketInfo(socket, to: &buffer)
        }
        buffer.append(writesCells ? ColumnLayout.cellEnd : UInt8(ascii: "\n"))
    }

    /// Appends one row for a vsock socket, as ss prints it: `v_str ESTAB 0 0 2:1234 3:5678`: context id and port
    /// (`*` for any) on each side.
    public func write(_ socket: VsockSocket, to buffer: inout [UInt8]) {
        func part(_ value: UInt32) -> [UInt8] {
            var bytes: [UInt8] = []
            if value == UInt32.max { bytes.append(UInt8(ascii: "*")) } else { bytes.appendDecimal(value) }
            return bytes
        }
        let netid = socket.type == 1 ? "v_str" : socket.type == 2 ? "v_dgr" : "???"
        writeFamilyRow(
            netid: netid,
            state: socket.state,
            queues: (0, 0),
            local: (part(socket.localCID), part(socket.localPort)),
            peer: (part(socket.peerCID), part(socket.peerPort)),
            to: &buffer
        )
        buffer.append(writesCells ? ColumnLayout.cellEnd : UInt8(ascii: "\n"))
    }

    /// Appends one row for an XDP socket, as ss prints it: `xdp UNCONN 0 0 eth0:q3 *` (`*` when unbound); `-e`
    /// adds `uid:` (when not 0), `ino:`, `sk:`.
    public mutating func write(_ socket: XDPSocket, to buffer: inout [UInt8]) {
        var local: ([UInt8], [UInt8])?
        if socket.interfaceIndex != 0 {
            var queue: [UInt8] = [UInt8(ascii: "q")]
            queue.appendDecimal(socket.queueID)
            local = (interfaces.name(socket.interfaceIndex), queue)
        }
        writeFamilyRow(
            netid: "xdp",
            state: .closed,
            queues: (socket.receiveQueue, 0),
            local: local,
            peer: nil,
            to: &buffer
        )
        if details.contains(.extended) {
            Self.writeOwnerDetails(uid: socket.uid, inode: socket.inode, cookie: socket.cookie, to: &buffer)
        }
        buffer.append(writesCells ? ColumnLayout.cellEnd : UInt8(ascii: "\n"))
    }

    /// ss's `sock_details_print`: ` uid:` (when not 0), ` ino:`, ` sk:`.
    private static func writeOwnerDetails(uid: UInt32?, inode: UInt32, cookie: UInt64, to buffer: inout [UInt8]) {
        if let uid, uid != 0 {
            buffer.append(contentsOf: " uid:".utf8)
            buffer.appendDecimal(uid)
        }
        buffer.append(contentsOf: " ino:".utf8)
        buffer.appendDecimal(inode)
        buffer.append(contentsOf: " sk:".utf8)
        buffer.appendHex(cookie)
    }

    /// ss's `-e` lines of a packet socket: `ver:`, `cpy_thresh:`, `flags( … )`, and its fanout group.
    private static func writePacketInfo(_ socket: PacketSocket, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: "\n\tver:".utf8)
        buffer.appendDecimal(socket.version)
        buffer.append(contentsOf: " cpy_thresh:".utf8)
        buffer.appendDecimal(socket.copyThreshold)
        buffer.append(contentsOf: " flags( ".utf8)
        let names: [(UInt32, String)] = [
            (1, "running"), (2, " auxdata"), (4, " origdev"), (8, " vnethdr"), (16, " loss"),
        ]
        for (bit, name) in names where socket.flags & bit != 0 { buffer.append(contentsOf: name.utf8) }
        if socket.flags == 0 { buffer.append(UInt8(ascii: "0")) }
        buffer.append(contentsOf: " )".utf8)
        guard let fanout = socket.fanout else { return }
        buffer.append(contentsOf: "\n\tfanout(id:".utf8)
        buffer.appendDecimal(fanout & 0xFFFF)
        buffer.append(contentsOf: ",type:".utf8)
        let types = ["hash", "lb", "cpu", "roll", "random", "qm"]
        let type = Int(fanout >> 16)
        if type < types.count {
            buffer.append(contentsOf: types[type].utf8)
        } else {
            buffer.append(contentsOf: "0x".utf8)
            buffer.appendHex(UInt64(type))
        }
        buffer.append(UInt8(ascii: ")"))
    }

    /// The columns of a netlink, packet, vsock or XDP row up to the peer, without a newline: the local column's two
    /// parts joined by `:`, the peer's likewise (`*` alone for `nil`). As cells (``writesCells``), the parts are
    /// ss's `sock_addr_print` cells (`addr:` and the port; `*` and an empty one for `nil`), followed by an empty
    /// Process cell when ``processColumn`` (these rows have no owners).
    private func writeFamilyRow(
        netid: String,
        state: SocketState,
        queues: (UInt32, UInt32),
        local: ([UInt8], [UInt8])?,
        peer: ([UInt8], [UInt8])?,
        to buffer: inout [UInt8]
    ) {
        if writesCells {
            writeFamilyCells(netid: netid, state: state, queues: queues, local: local, peer: peer, to: &buffer)
            return
        }
        let width = addressWidth
        if showsNetid { buffer.appendPadded(netid, width: 6) }
        if showsState {
            let stateStart = buffer.count
            buffer.append(state.columnWord)
            buffer.appendSpaces(11 - (buffer.count - stateStart))
        }
        let receiveStart = buffer.count
        buffer.appendDecimal(queues.0)
        buffer.appendSpaces(7 - (buffer.count - receiveStart))
        let sendStart = buffer.count
        buffer.appendDecimal(queues.1)
        buffer.appendSpaces(7 - (buffer.count - sendStart))
        if let local {
            buffer.appendSpaces(width - local.0.count)
            buffer.append(contentsOf: local.0)
            buffer.append(UInt8(ascii: ":"))
            buffer.append(contentsOf: local.1)
            buffer.appendSpaces(6 - local.1.count)
        } else {
            buffer.appendSpaces(width)
            buffer.append(UInt8(ascii: "*"))
            buffer.appendSpaces(6)
        }
        if let peer {
            buffer.appendSpaces(width - peer.0.count)
            buffer.append(contentsOf: peer.0)
            buffer.append(UInt8(ascii: ":"))
            buffer.append(contentsOf: peer.1)
        } else {
            buffer.appendSpaces(width)
            buffer.append(UInt8(ascii: "*"))
        }
    }

    /// ``writeFamilyRow(netid:state:queues:local:peer:to:)`` as cells for ``ColumnLayout``.
    private func writeFamilyCells(
        netid: String,
        state: SocketState,
        queues: (UInt32, UInt32),
        local: ([UInt8], [UInt8])?,
        peer: ([UInt8], [UInt8])?,
        to buffer: inout [UInt8]
    ) {
        let end = ColumnLayout.cellEnd
        if showsNetid {
            buffer.append(contentsOf: netid.utf8)
            buffer.append(end)
        }
        if showsState {
            buffer.append(state.columnWord)
            buffer.append(end)
        }
        if !details.contains(.noQueues) {
            for queue in [queues.0, queues.1] {
                let start = buffer.count
                buffer.appendDecimal(queue)
                buffer.appendSpaces(6 - (buffer.count - start))
                buffer.append(end)
            }
        }
        for part in [local, peer] {
            if let part {
                buffer.append(contentsOf: part.0)
                buffer.append(UInt8(ascii: ":"))
                buffer.append(end)
                buffer.append(contentsOf: part.1)
            } else {
                buffer.append(UInt8(ascii: "*"))
                buffer.append(end)
            }
            buffer.append(end)
        }
        if processColumn { buffer.append(end) }
    }
}
