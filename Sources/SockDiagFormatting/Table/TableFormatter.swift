import SockDiag

/// Formats sockets as ss's table: `Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port`.
///
/// Columns have fixed widths so that rows can be written as they arrive (ss sizes its columns after
/// buffering every row); a longer address widens only its own row.
public struct TableFormatter {
    /// Width of the address part of the two endpoint columns (right-aligned, as ss aligns on the colon).
    public var addressWidth: Int
    /// The `-o`, `-e`, `-m`, `-i`, `-n` additions to each row (none by default).
    public var details: OutputDetails = []
    /// The cgroup path to print for a cgroup id under ``OutputDetails/extended`` (ss: `cg_id_to_path`); `nil`
    /// prints no cgroup.
    public var cgroupPath: (@Sendable (UInt64) -> [UInt8])?
    /// `-r`: host and service names for the endpoints; `nil` writes them numerically.
    public var names: EndpointNames?
    /// The length of the last row's peer port text (the Process column pads after it).
    var peerPortLength = 1
    /// Whether rows start with the `Netid` column; ss leaves it out when one protocol is listed.
    public var showsNetid = true
    /// Whether rows have the `State` column; ss leaves it out when one state is selected.
    public var showsState = true
    /// ss's `-n` for netlink and packet rows: protocol numbers instead of names, port ids instead of processes.
    public var numeric = false
    /// The `comm` of the process whose id a netlink socket's port id is (ss reads `/proc/PID/stat`), or `nil`;
    /// without it (or with ``numeric``) the port id is printed alone.
    public var processName: (@Sendable (UInt32) -> [UInt8]?)?
    var interfaces = InterfaceNames()
    /// Whether rows are written as cells for ``ColumnLayout`` (each column's text and ``ColumnLayout/cellEnd``, the
    /// details last, no newline; ``columns(processColumn:)`` lists them) rather than in fixed widths.
    public var writesCells = false
    /// Whether the cells ``writesCells`` writes have a Process column (`-p`): rows of sockets without owners
    /// (netlink, packet, vsock, XDP) leave it empty.
    public var processColumn = false

    /// Creates a formatter sized for `families`.
    /// - Parameter families: The families the output may hold; IPv6 widens the address columns.
    public init(families: [AddressFamily]) {
        addressWidth = families.contains(.inet6) ? 20 : 15
    }

    /// Appends the header line.
    public func writeHeader(to buffer: inout [UInt8]) {
        guard !writesCells else {
            writeHeaderCells(processColumn: false, to: &buffer)
            return
        }
        if showsNetid { buffer.appendPadded("Netid", width: 6) }
        if showsState { buffer.appendPadded("State", width: 11) }
        if !details.contains(.noQueues) {
            buffer.appendPadded("Recv-Q", width: 7)
            buffer.appendPadded("Send-Q", width: 7)
        }
        buffer.appendSpaces(addressWidth - 13)
        buffer.appendPadded("Local Address:Port", width: 19)
        buffer.appendSpaces(addressWidth - 11)
        buffer.append(contentsOf: "Peer Address:Port".utf8)
        buffer.append(UInt8(ascii: "\n"))
    }

    /// Appends one row for `socket`.
    public mutating func write(_ socket: Socket, to buffer: inout [UInt8]) {
        writeColumns(socket, to: &buffer)
        writeDetailsAndNewline(socket, to: &buffer)
    }

    /// Appends the fixed columns of the row, up to the peer port, without a newline.
    mutating func writeColumns(_ socket: Socket, to buffer: inout [UInt8]) {
        // Interface names are looked up (and cached) outside the raw-pointer section.
        let interface: [UInt8]? = socket.interfaceIndex == 0 ? nil : interfaces.name(socket.interfaceIndex)
        let width = addressWidth
        // The closure captures plain values only: capturing `socket` would copy it (and retain its details) per row.
        let transport = socket.transport
        let state = socket.state
        let receiveQueue = socket.receiveQueue
        let sendQueue = socket.sendQueue
        let local = socket.local
        let peer = socket.peer
        let v6Only = socket.v6Only ?? false
        let queues = !details.contains(.noQueues)
        let localHost = names?.hostText(local, v6Only: v6Only)
        let peerHost = names?.hostText(peer, v6Only: v6Only)
        let localPort = names?.portText(local.port, transport: transport)
        let peerPort = names?.portText(peer.port, transport: transport)
        let named = (localHost?.count ?? 0) + (peerHost?.count ?? 0) + (localPort?.count ?? 0) + (peerPort?.count ?? 0)
        var peerPortLength = 0
        let (showsNetid, showsState, cells) = (self.showsNetid, self.showsState, writesCells)
        buffer.appendWriting(maximum: Self.maximumRow + 2 * width + named) { out in
            if showsNetid {
                let start = out.count
                out.put(transport.word)
                out.endColumn(from: start, width: 6, cells: cells)
            }
            if showsState {
                let stateStart = out.count
                out.put(state.columnWord)
                out.endColumn(from: stateStart, width: 11, cells: cells)
            }
            if queues { out.queues(receiveQueue, sendQueue, cells: cells) }
            // In cells, width 0: ColumnLayout aligns the address.
            let pad = cells ? 0 : width
            Self.writeEndpoint(local, v6Only: v6Only, name: localHost, interface: interface, width: pad, to: &out)
            if cells { out.put(ColumnLayout.cellEnd) }
            let portStart = out.count
            Self.writePort(local.port, name: localPort, to: &out)
            out.endColumn(from: portStart, width: 6, cells: cells)
            Self.writeEndpoint(peer, v6Only: v6Only, name: peerHost, interface: nil, width: pad, to: &out)
            if cells { out.put(ColumnLayout.cellEnd) }
            let peerStart = out.count
            Self.writePort(peer.port, name: peerPort, to: &out)
            peerPortLength = out.count - peerStart
            if cells { out.put(ColumnLayout.cellEnd) }
        }
        self.peerPortLength = peerPortLength
    }

    /// Appends the detail columns asked for (`-o`, `-e`, `-m`, `-i`) and the newline.
    mutating func writeDetailsAndNewline(_ socket: Socket, to buffer: inout [UInt8]) {
        let end = writesCells ? ColumnLayout.cellEnd : UInt8(ascii: "\n")
        if details.isEmpty {
            buffer.append(end)
        } else {
            var cgroup: [UInt8]?
            if let id = socket.cgroupID, let cgroupPath,
                (details.contains(.extended) && id != 0) || details.contains(.cgroup)
            {
                cgroup = cgroupPath(id)
            }
            let details = self.details
            buffer.appendWriting(maximum: Self.maximumDetails + 2 * (cgroup?.count ?? 0)) { out in
                Self.writeDetails(socket, details: details, cgroup: cgroup, to: &out)
                out.put(end)
            }
        }
    }

    /// The longest row without address padding: columns, two bracketed IPv6 addresses with an interface name,
    /// two ports.
    static let maximumRow = 6 + 11 + 11 + 11 + 2 * (47 + 17 + 1) + 6 + 5 + 1

    /// The address right-aligned in `width` columns, then the colon.
    private static func writeEndpoint(
        _ endpoint: Endpoint,
        v6Only: Bool,
        name: [UInt8]?,
        interface: [UInt8]?,
        width: Int,
        to out: inout ByteWriter
    ) {
        // Write the address first, then move it right by the padding it needs.
        let start = out.count
        if let name { out.put(name) } else { out.ssAddress(endpoint, v6Only: v6Only) }
        if let interface {
            out.put(UInt8(ascii: "%"))
            out.putSafe(interface)
        }
        let length = out.count - start
        if length < width {
            let padding = width - length
            (out.base + start + padding).update(from: out.base + start, count: length)
            (out.base + start).update(repeating: UInt8(ascii: " "), count: padding)
            out.count += padding
        }
        out.put(UInt8(ascii: ":"))
    }

    @inline(__always)
    private static func writePort(_ port: UInt16, name: [UInt8]?, to out: inout ByteWriter) {
        if let name { out.put(name) } else if port == 0 { out.put(UInt8(ascii: "*")) } else { out.decimal(UInt32(port)) }
    }
}
