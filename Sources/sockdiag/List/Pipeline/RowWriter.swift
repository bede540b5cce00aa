import SockDiag
import SockDiagFormatting

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The end of every listing: writes the rows to standard output as ss's table or as the JSON array, with the
/// `Netns` label (`--all-netns`) and the `Process` column (`-p`) when the listing has them.
///
/// The table's rows go through ss's column layout (``ColumnLayout``), in ss's batches, as wide as the terminal or
/// `COLUMNS` (``ScreenWidth``), compact otherwise.
struct RowWriter: ~Copyable {
    /// Where the rows go (and `-s`'s summary before them).
    var sink = OutputSink(fileDescriptor: STDOUT_FILENO)
    /// The table's formatter, or `nil` for JSON.
    private var table: TableFormatter?
    /// The table's columns and the rows not yet written, or `nil` for JSON.
    private var layout: ColumnLayout?
    /// The JSON formatter, or `nil` for the table.
    private var json: JSONFormatter?
    /// Whether the table's rows start with a `Netns` column.
    private let labelled: Bool
    /// The current namespace's label, the first cell of the table's rows.
    private var label: [UInt8] = []
    private let header: Bool
    private let processColumn: Bool
    /// The table's rows held back for ss's order (``SSOrder``), formatted.
    private var heldRows: [UInt8] = []
    /// JSON's sockets held back for ss's order, kept as they are: an object's leading comma depends on what was
    /// written before it.
    private var heldSockets: [Socket] = []
    /// `-p` on the every-socket path (``OwnersStage/streams(_:)``): the table each streamed row's owners come
    /// from; `nil` otherwise (rows without owners, or kept rows written with ``write(_:owners:)``).
    var ownerTable: SocketOwnerTable? {
        didSet { ownerText = ownerTable.map(OwnerText.init) }
    }
    /// Each process's part of the Process column, made once from ``ownerTable`` (for the table's rows).
    private var ownerText: OwnerText?
    /// The scan that gives ``ownerTable`` at the first row that needs it (the every-socket path).
    var pendingOwners: PendingOwnerTable?
    /// `-p` on the every-socket path with the owners kept on the sockets in the kernel: what reads them from each
    /// streamed row (``SocketOwnerStorage``); `nil` otherwise.
    var ownerStorage: SocketOwnerStorage?
    /// The one owner list every streamed row reuses (no allocation per row).
    private var ownerList: [SocketOwner] = []

    /// A writer for `listing`'s rows.
    /// - Parameter namespaces: With `--all-netns`, the namespaces whose labels the rows carry (their longest label
    ///   sizes the `Netns` column).
    init(for listing: Listing, namespaces: [NetworkNamespace]? = nil) {
        let options = listing.options
        if options.json {
            json = JSONFormatter()
            json!.details = options.details
        } else {
            table = TableFormatter(families: listing.query.families)
            table!.writesCells = true
            table!.processColumn = options.processes
            table!.details = options.details
            table!.names = options.display.resolve ? NameResolver.names(services: !options.numeric) : nil
            let listsUnix = listing.unixQuery != nil
            table!.showsNetid = options.selection.showsNetidColumn(
                listing.query,
                listsUnix: listsUnix,
                otherTables: listing.families.tableCount
            )
            table!.showsState = options.selection.showsStateColumn(
                listing.query,
                listsUnix: listsUnix,
                connectionTables: listing.families.mptcp != nil || listing.families.sctp != nil
            )
            table!.numeric = options.numeric
            if !options.numeric {
                let names = ProcessNames()
                table!.processName = { names.name(of: $0) }
            }
            if options.extended || options.display.cgroup {
                let cgroups = CgroupPaths()
                table!.cgroupPath = { cgroups.path(of: $0) }
            }
        }
        labelled = namespaces != nil
        header = !options.noHeader
        processColumn = options.processes
        if let table {
            let columns = table.columns(processColumn: options.processes, label: labelled)
            layout = ColumnLayout(columns: columns, screenWidth: ScreenWidth.ofStandardOutput())
        }
    }

    /// Writes what comes before the rows: the table's header line (unless `-H`), or the JSON array's bracket.
    mutating func start() {
        if let table, header {
            if labelled { layout!.cells.append(contentsOf: Self.labelCell("Netns")) }
            table.writeHeader(processColumn: processColumn, to: &layout!.cells)
        }
        if let json { sink.withBytes { json.writeStart(to: &$0) } }
    }

    /// Labels the rows that follow with `namespace`.
    mutating func enter(_ namespace: NetworkNamespace) {
        if labelled { label = Self.labelCell(namespace.label) }
        json?.namespace = namespace
    }

    /// Writes a UNIX socket's row; with the Process column when `owners` is given (empty when no process was
    /// found).
    @inline(__always)
    mutating func write(_ socket: UnixSocket, owners: [SocketOwner]? = nil) throws(OutputError) {
        try writeRow { json, out in
            if let owners { json.write(socket, owners: owners, to: &out) } else { json.write(socket, to: &out) }
        } table: { table, out in
            if let owners { table.write(socket, owners: owners, to: &out) } else { table.write(socket, to: &out) }
        }
    }

    /// Writes a netlink socket's row.
    mutating func write(_ socket: NetlinkSocketEntry) throws(OutputError) {
        try writeRow { $0.write(socket, to: &$1) } table: { $0.write(socket, to: &$1) }
    }

    /// Writes a packet socket's row.
    mutating func write(_ socket: PacketSocket) throws(OutputError) {
        try writeRow { $0.write(socket, to: &$1) } table: { $0.write(socket, to: &$1) }
    }

    /// Writes a vsock socket's row.
    mutating func write(_ socket: VsockSocket) throws(OutputError) {
        try writeRow { $0.write(socket, to: &$1) } table: { $0.write(socket, to: &$1) }
    }

    /// Writes an XDP socket's row.
    mutating func write(_ socket: XDPSocket) throws(OutputError) {
        try writeRow { $0.write(socket, to: &$1) } table: { $0.write(socket, to: &$1) }
    }

    /// Writes one row: with `json` as JSON, else as cells with `table` after the namespace label.
    @inline(__always)
    private mutating func writeRow(
        json write: (inout JSONFormatter, inout [UInt8]) -> Void,
        table writeTable: (inout TableFormatter, inout [UInt8]) -> Void
    ) throws(OutputError) {
        if json != nil {
            sink.withBytes { write(&json!, &$0) }
        } else {
            if labelled { layout!.cells.append(contentsOf: label) }
            writeTable(&table!, &layout!.cells)
            try layOut()
        }
        try sink.flushIfNeeded()
    }

    /// Writes an internet socket's row; with the Process column when `owners` is given (empty when no process
    /// was found).
    @inline(__always)
    mutating func write(_ socket: Socket, owners: [SocketOwner]?) throws(OutputError) {
        try writeRow { json, out in
            if let owners { json.write(socket, owners: owners, to: &out) } else { json.write(socket, to: &out) }
        } table: { table, out in
            if let owners { table.write(socket, owners: owners, to: &out) } else { table.write(socket, to: &out) }
        }
    }

    /// Writes kept rows: their namespace's label, the UNIX sockets, then the internet sockets with their owners
    /// when `owners` is given.
    mutating func write(_ rows: Rows, owners: OwnersStage?) throws(OutputError) {
        if let namespace = rows.namespace { enter(namespace) }
        for socket in rows.netlink { try write(socket) }
        for socket in rows.packet { try write(socket) }
        for socket in rows.unix { try write(socket, owners: owners?.owners(of: socket)) }
        for socket in rows.sockets { try write(socket, owners: owners?.owners(of: socket)) }
        // After MPTCP's rows, which ss lists last: only kept rows (-p, --all-netns) of a kernel with vsock_diag or
        // xsk_diag are in that order.
        for socket in rows.vsock { try write(socket) }
        for socket in rows.xdp { try write(socket) }
    }

    /// Writes what comes after the rows (the JSON array's closing bracket) and everything still buffered.
    mutating func end() throws(OutputError) {
        try writeRows()
        if let json { sink.withBytes { json.writeEnd(to: &$0) } }
        try sink.flush()
    }

    /// Writes the table's rows held for the layout now, as ss does after each `-E` event.
    mutating func writeRows() throws(OutputError) {
        try layOut()
        try render()
    }

    /// Measures the rows added to the layout, writing each batch that fills ss's buffer.
    private mutating func layOut() throws(OutputError) {
        while layout?.append() == true { try render() }
    }

    /// Writes the rows measured.
    private mutating func render() throws(OutputError) {
        guard var layout = layout.take() else { return }
        defer { self.layout = layout }
        while sink.withBytes({ layout.render(into: &$0) }) { try sink.flushIfNeeded() }
        try sink.flushIfNeeded()
    }

    /// The table's leading cell: `label` made safe for a terminal.
    static func labelCell(_ label: String) -> [UInt8] {
        var cell: [UInt8] = []
        var label = label
        label.withUTF8 { cell.appendSafe($0) }
        cell.append(ColumnLayout.cellEnd)
        return cell
    }
}

extension RowWriter: RowConsumer {
    /// The owners of the socket `inode` from ``ownerTable`` (in the reused list), or `nil` without a table.
    @inline(__always)
    private mutating func tableOwners(of inode: UInt64) -> [SocketOwner]? {
        guard let ownerTable else { return nil }
        ownerList.removeAll(keepingCapacity: true)
        ownerTable.appendOwners(of: inode, to: &ownerList)
        return ownerList
    }

    /// Takes ``ownerTable`` from ``pendingOwners`` (waits for the scan) at the first row.
    @inline(__always)
    private mutating func awaitOwners() throws {
        guard let pending = pendingOwners else { return }
        pendingOwners = nil
        ownerTable = try pending.table()
    }

    /// The owners of a streamed internet socket: from ``ownerStorage`` when there is one, else as
    /// ``tableOwners(of:)``.
    @inline(__always)
    private mutating func streamedOwners(of socket: Socket) -> [SocketOwner]? {
        guard let ownerStorage else { return tableOwners(of: socket.inode) }
        ownerList.removeAll(keepingCapacity: true)
        ownerStorage.appendOwners(of: socket, to: &ownerList)
        return ownerList
    }

    @inline(__always)
    mutating func take(_ socket: UnixSocket) throws {
        try awaitOwners()
        try write(socket, owners: tableOwners(of: UInt64(socket.inode)))
    }

    @inline(__always)
    mutating func take(_ socket: Socket) throws {
        try awaitOwners()
        if table != nil, let ownerTable, let ownerText {
            try writeRow { _, _ in } table: { table, out in
                table.write(socket, ownersIn: ownerTable, text: ownerText, to: &out)
            }
            return
        }
        try write(socket, owners: streamedOwners(of: socket))
    }

    mutating func take(_ socket: NetlinkSocketEntry) throws {
        try write(socket)
    }

    mutating func take(_ socket: PacketSocket) throws {
        try write(socket)
    }

    mutating func take(_ socket: VsockSocket) throws {
        try write(socket)
    }

    mutating func take(_ socket: XDPSocket) throws {
        try write(socket)
    }

    @inline(__always)
    mutating func hold(_ socket: Socket) throws {
        try awaitOwners()
        if json != nil {
            heldSockets.append(socket)
        } else {
            if labelled { heldRows.append(contentsOf: label) }
            if let ownerTable, let ownerText {
                table!.write(socket, ownersIn: ownerTable, text: ownerText, to: &heldRows)
            } else if let owners = streamedOwners(of: socket) {
                table!.write(socket, owners: owners, to: &heldRows)
            } else {
                table!.write(socket, to: &heldRows)
            }
        }
    }

    mutating func takeHeld() throws {
        try awaitOwners()
        for socket in heldSockets { try write(socket, owners: streamedOwners(of: socket)) }
        heldSockets = []
        guard !heldRows.isEmpty else { return }
        layout!.cells.append(contentsOf: heldRows)
        heldRows = []
        try layOut()
    }
}
