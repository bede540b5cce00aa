import SockDiag

/// The end of every listing: writes the rows as ss's table or as the JSON array, with the `Netns` label
/// (`--all-netns`) and the `Process` column (`-p`) when the listing has them.
struct RowWriter {
    /// The table's formatter, or `nil` for JSON.
    private var table: TableFormatter?
    /// The JSON formatter, or `nil` for the table.
    private var json: JSONFormatter?
    /// The width of the table's leading `Netns` column; `nil` without one.
    private let labelWidth: Int?
    /// The current namespace's label, padded to ``labelWidth`` (the table's rows start with it).
    private var label: [UInt8] = []
    private let header: Bool
    private let processColumn: Bool

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
            table!.details = options.details
            if options.extended {
                let cgroups = CgroupPaths()
                table!.cgroupPath = { cgroups.path(of: $0) }
            }
        }
        labelWidth = namespaces.map(Self.labelWidth)
        header = !options.noHeader
        processColumn = options.processes
    }

    /// Writes what comes before the rows: the table's header line (unless `-H`), or the JSON array's bracket.
    func start(into sink: inout OutputSink) {
        if let table, header {
            sink.withBytes { bytes in
                if let labelWidth { bytes.append(contentsOf: Self.labelColumn("Netns", width: labelWidth)) }
                table.writeHeader(processColumn: processColumn, to: &bytes)
            }
        }
        if let json { sink.withBytes { json.writeStart(to: &$0) } }
    }

    /// Labels the rows that follow with `namespace`.
    mutating func enter(_ namespace: NetworkNamespace) {
        if let labelWidth { label = Self.labelColumn(namespace.label, width: labelWidth) }
        json?.namespace = namespace
    }

    /// Writes a UNIX socket's row.
    @inline(__always)
    mutating func write(_ socket: UnixSocket, into sink: inout OutputSink) throws(OutputError) {
        sink.withBytes { bytes in
            if json != nil {
                json!.write(socket, to: &bytes)
            } else {
                bytes.append(contentsOf: label)
                table!.write(socket, to: &bytes)
            }
        }
        try sink.flushIfNeeded()
    }

    /// Writes an internet socket's row; with the Process column when `owners` is given (empty when no process
    /// was found).
    @inline(__always)
    mutating func write(_ socket: Socket, owners: [SocketOwner]?, into sink: inout OutputSink) throws(OutputError) {
        sink.withBytes { bytes in
            if json != nil {
                if let owners {
                    json!.write(socket, owners: owners, to: &bytes)
                } else {
                    json!.write(socket, to: &bytes)
                }
            } else {
                bytes.append(contentsOf: label)
                if let owners {
                    table!.write(socket, owners: owners, to: &bytes)
                } else {
                    table!.write(socket, to: &bytes)
                }
            }
        }
        try sink.flushIfNeeded()
    }

    /// Writes kept rows: their namespace's label, the UNIX sockets, then the internet sockets with their owners
    /// when `owners` is given.
    mutating func write(_ rows: Rows, owners: OwnersStage?, into sink: inout OutputSink) throws(OutputError) {
        if let namespace = rows.namespace { enter(namespace) }
        for socket in rows.unix { try write(socket, into: &sink) }
        for socket in rows.sockets { try write(socket, owners: owners?.owners(of: socket), into: &sink) }
    }

    /// Writes what comes after the rows: the JSON array's closing bracket.
    func end(into sink: inout OutputSink) {
        guard let json else { return }
        sink.withBytes { json.writeEnd(to: &$0) }
    }

    /// The table's leading column, `label` padded to `width`.
    static func labelColumn(_ label: String, width: Int) -> [UInt8] {
        var column = Array(label.utf8)
        column.append(contentsOf: repeatElement(UInt8(ascii: " "), count: max(1, width - column.count)))
        return column
    }

    /// The width of the `Netns` column: the longest label and a space.
    static func labelWidth(_ namespaces: [NetworkNamespace]) -> Int {
        namespaces.reduce("Netns".utf8.count) { max($0, $1.label.utf8.count) } + 1
    }
}
