import SockDiag
import SockDiagTestSupport
import Testing

@testable import SockDiagFormatting

/// ``ColumnLayout``'s measuring and rendering (raw pointers, cell ends found eight bytes at a time, lines laid out
/// in a scratch) against ss's rules written plainly, cell by cell: on random cells (empty, short, around eight
/// bytes, longer than the scratch) and on the rows of the captured dumps, compact and on screens narrow and wide.
@Suite struct ColumnLayoutRenderingTests {
    static let screenWidths: [Int?] = [nil, 1, 20, 80, 250]

    /// One batch as ss lays it out: each column as wide as its longest cell (the last row's details do not count:
    /// ss has not closed that token), widths as ``ColumnLayout/computeWidths()`` sets them, each cell after its
    /// space, right-aligned ones after their padding, left-aligned ones padded (in the compact layout neither the
    /// last column with a header nor the details).
    static func reference(_ rows: [[[UInt8]]], columns: [ColumnLayout.Column], screenWidth: Int?) -> [UInt8] {
        var layout = ColumnLayout(columns: columns, screenWidth: screenWidth)
        for (number, row) in rows.enumerated() {
            for (index, cell) in row.enumerated() where index < row.count - 1 || number < rows.count - 1 {
                layout.columns[index].longest = max(layout.columns[index].longest, cell.count)
            }
        }
        layout.computeWidths()
        let padded = screenWidth == nil ? columns.count - 2 : columns.count
        var output: [UInt8] = []
        for row in rows {
            for (index, cell) in row.enumerated() {
                let column = layout.columns[index]
                var line: [UInt8] = index > 0 && column.spaced ? [UInt8(ascii: " ")] : []
                if column.alignment == .right && column.width > 0 {
                    line += Array(repeating: UInt8(ascii: " "), count: max(0, column.width - cell.count - line.count))
                }
                line += cell
                if column.alignment == .left && column.width > 0 && index < padded {
                    line += Array(repeating: UInt8(ascii: " "), count: max(0, column.width - line.count))
                }
                output += line
            }
            output.append(UInt8(ascii: "\n"))
        }
        return output
    }

    /// The same rows through ``ColumnLayout``, in one batch.
    static func rendered(_ rows: [[[UInt8]]], columns: [ColumnLayout.Column], screenWidth: Int?) -> [UInt8] {
        var layout = ColumnLayout(columns: columns, screenWidth: screenWidth)
        for cell in rows.joined() {
            layout.cells += cell
            layout.cells.append(ColumnLayout.cellEnd)
        }
        let due = layout.append()
        #expect(!due, "one batch")
        var output: [UInt8] = []
        while layout.render(into: &output) {}
        #expect(!layout.hasRows)
        return output
    }

    @Test("random cells: the same lines as ss's rules written plainly", arguments: 1...40)
    func random(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let columns = (0..<Int.random(in: 2...10, using: &generator)).map { _ in
            ColumnLayout.Column(Bool.random(using: &generator) ? .left : .right, spaced: Bool.random(using: &generator))
        }
        let rows = (0..<Int.random(in: 1...30, using: &generator)).map { _ in
            columns.map { _ in Self.cell(using: &generator) }
        }
        for screenWidth in Self.screenWidths {
            let expected = Self.reference(rows, columns: columns, screenWidth: screenWidth)
            let actual = Self.rendered(rows, columns: columns, screenWidth: screenWidth)
            #expect(actual == expected, "seed \(seed), screen \(String(describing: screenWidth))")
        }
    }

    /// A cell's text: mostly up to a dozen bytes, some up to a hundred, a few longer than the render's scratch.
    static func cell(using generator: inout SeededGenerator) -> [UInt8] {
        let kind = Int.random(in: 0..<100, using: &generator)
        let length =
            switch kind {
            case 0: Int.random(in: ColumnLayout.scratchSize - 8...ColumnLayout.scratchSize + 40, using: &generator)
            case 1..<10: Int.random(in: 13...100, using: &generator)
            default: Int.random(in: 0...12, using: &generator)
            }
        // Random bytes, the long ones a random run of one byte (filling them byte by byte is slow in debug builds).
        guard length <= 100 else {
            return Array(repeating: UInt8.random(in: 32...126, using: &generator), count: length)
        }
        return (0..<length).map { _ in UInt8.random(in: 32...126, using: &generator) }
    }

    @Test("the captured dumps' rows, with and without -e -o -m -i, Netid and State")
    func captures() throws {
        // Some of each capture: the reference is slow in debug builds.
        let sockets =
            try Fixtures.allSockets().striding(by: 10)
            + Fixtures.decode(Fixtures.bytes("ext-tcp4.bin"), transport: .tcp)
            + Fixtures.decode(Fixtures.bytes("ext-tcp6.bin"), transport: .tcp)
        let details: [OutputDetails] = [[], [.timer, .extended, .memory, .tcpInfo], [.noQueues, .oneLine, .memory]]
        for details in details {
            for (netid, state) in [(true, true), (false, true), (false, false)] {
                var formatter = TableFormatter(families: [.inet, .inet6])
                formatter.writesCells = true
                (formatter.details, formatter.showsNetid, formatter.showsState) = (details, netid, state)
                var bytes: [UInt8] = []
                for socket in sockets { formatter.write(socket, to: &bytes) }
                let columns = formatter.columns(processColumn: false)
                var cells = bytes.split(separator: ColumnLayout.cellEnd, omittingEmptySubsequences: false).map(
                    Array.init
                )
                cells.removeLast()  // after the last cell end
                let rows = stride(from: 0, to: cells.count, by: columns.count).map {
                    Array(cells[$0..<$0 + columns.count])
                }
                #expect(rows.count == sockets.count)
                for screenWidth in Self.screenWidths {
                    let expected = Self.reference(rows, columns: columns, screenWidth: screenWidth)
                    let actual = Self.rendered(rows, columns: columns, screenWidth: screenWidth)
                    #expect(actual == expected, "\(details) netid \(netid) state \(state) screen \(screenWidth ?? 0)")
                }
            }
        }
    }
}

extension Array {
    /// Every `step`th element, from the first.
    fileprivate func striding(by step: Int) -> [Element] {
        stride(from: 0, to: count, by: step).map { self[$0] }
    }
}
