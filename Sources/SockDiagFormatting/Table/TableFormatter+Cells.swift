import SockDiag

/// The table as cells for ``ColumnLayout``: ss's columns (iproute2's `columns[]`) with the text ss puts in each.
extension TableFormatter {
    /// The columns of the rows ``writesCells`` writes, ss's from `Netid` to the details: `Netid` and `State` when
    /// shown, the queues unless `-Q`, the local address (right-aligned on its colon) and port, the peer's, `Process`
    /// when `processColumn`, and the details (`-e`, `-o`, `-m`, `-i` …), which have no header.
    /// - Parameter label: Whether a `Netns` column comes first (`--all-netns`).
    public func columns(processColumn: Bool, label: Bool = false) -> [ColumnLayout.Column] {
        var columns: [ColumnLayout.Column] = []
        if label { columns.append(.init(.left, spaced: false)) }
        if showsNetid { columns.append(.init(.left, spaced: label)) }
        if showsState { columns.append(.init(.left, spaced: true)) }
        if !details.contains(.noQueues) { columns += [.init(.left, spaced: true), .init(.left, spaced: true)] }
        columns += [
            .init(.right, spaced: true), .init(.left, spaced: false), .init(.right, spaced: true),
            .init(.left, spaced: false),
        ]
        if processColumn { columns.append(.init(.left, spaced: false)) }
        columns.append(.init(.left, spaced: false))
        return columns
    }

    /// The header's cells, as ss's `print_header`: the details column has none.
    func writeHeaderCells(processColumn: Bool, to buffer: inout [UInt8]) {
        var words: [StaticString] = []
        if showsNetid { words.append("Netid") }
        if showsState { words.append("State") }
        if !details.contains(.noQueues) { words += ["Recv-Q", "Send-Q"] }
        words += ["Local Address:", "Port", "Peer Address:", "Port"]
        if processColumn { words.append("Process") }
        words.append("")
        for word in words {
            buffer.append(contentsOf: UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
            buffer.append(ColumnLayout.cellEnd)
        }
    }
}

extension ByteWriter {
    /// Ends a column's text that started at `start`: pads it to `width` in the fixed layout, or ends the cell.
    @inline(__always)
    mutating func endColumn(from start: Int, width: Int, cells: Bool) {
        if cells { put(ColumnLayout.cellEnd) } else { spaces(width - (count - start)) }
    }

    /// The `Recv-Q` and `Send-Q` columns; ss writes each as `%-6d`.
    @inline(__always)
    mutating func queues(_ receive: UInt32, _ send: UInt32, cells: Bool) {
        queue(receive, cells: cells)
        queue(send, cells: cells)
    }

    @inline(__always)
    private mutating func queue(_ value: UInt32, cells: Bool) {
        let start = count
        decimal(value)
        spaces(6 - (count - start))
        endColumn(from: start, width: 7, cells: cells)
    }
}
