import SockDiag
import Testing

@testable import SockDiagFormatting

/// ``ColumnLayout`` on rows whose layout ss 6.1 printed (`ss -tanH` in a namespace with two listeners and a
/// connection): in a pipe (its lines without their trailing spaces, as ss 7.0), and on a terminal 80 columns wide
/// (`script`, `stty cols 80`); and ss's buffer (``TokenChunks``) against a transcription of ss's C.
@Suite struct ColumnLayoutTests {
    static let rows = [
        ["LISTEN", "0     ", "10    ", "127.0.0.1:", "8000", "0.0.0.0:", "*", ""],
        ["ESTAB", "0     ", "0     ", "127.0.0.1:", "38400", "127.0.0.1:", "8000", ""],
        ["ESTAB", "0     ", "0     ", "127.0.0.1:", "8000", "127.0.0.1:", "38400", ""],
        ["LISTEN", "0     ", "128   ", "[::1]:", "9000", "[::]:", "*", ""],
    ]

    /// State, Recv-Q, Send-Q, the endpoints and the details, as `TableFormatter.columns` lists them without Netid.
    static func layout(screenWidth: Int?) -> ColumnLayout {
        var formatter = TableFormatter(families: [.inet])
        formatter.showsNetid = false
        var layout = ColumnLayout(columns: formatter.columns(processColumn: false), screenWidth: screenWidth)
        for row in rows {
            for cell in row {
                layout.cells.append(contentsOf: cell.utf8)
                layout.cells.append(ColumnLayout.cellEnd)
            }
        }
        let due = layout.append()
        #expect(!due)
        return layout
    }

    static func render(_ layout: inout ColumnLayout) -> String {
        var output: [UInt8] = []
        while layout.render(into: &output) {}
        return String(decoding: output, as: UTF8.self)
    }

    @Test("compact: each column its longest cell, no line ending in spaces")
    func compact() {
        var layout = Self.layout(screenWidth: nil)
        #expect(Self.render(&layout) == """
            LISTEN 0      10     127.0.0.1:8000    0.0.0.0:*
            ESTAB  0      0      127.0.0.1:38400 127.0.0.1:8000
            ESTAB  0      0      127.0.0.1:8000  127.0.0.1:38400
            LISTEN 0      128        [::1]:9000       [::]:*

            """)
        #expect(!layout.hasRows)
    }

    @Test("on a screen: the spare width spread over the columns, the rightmost first, every line padded")
    func screen() {
        var layout = Self.layout(screenWidth: 80)
        let lines = Self.render(&layout).split(separator: "\n").map(String.init)
        #expect(lines == [
            "LISTEN     0          10             127.0.0.1:8000            0.0.0.0:*        ",
            "ESTAB      0          0              127.0.0.1:38400         127.0.0.1:8000     ",
            "ESTAB      0          0              127.0.0.1:8000          127.0.0.1:38400    ",
            "LISTEN     0          128                [::1]:9000               [::]:*        ",
        ])
    }

    @Test("ss's buffer: a batch is due at the end of the row that opened a fifth chunk, not before")
    func batches() {
        var chunks = TokenChunks()
        var rows = 0
        // A row of ten 9-byte tokens takes 10 * (2 + 9 + 1) = 120 bytes of ss's buffer. ss checks at a row's last
        // token, before closing it.
        rowLoop: while true {
            rows += 1
            for token in 0..<10 {
                chunks.write(9)
                if token == 9 && chunks.isFull { break rowLoop }
                chunks.close(9)
            }
        }
        // Four full chunks of 1,048,560 bytes hold 34,952 rows (each chunk's last 96 bytes unused, no token of a
        // row is split), and the row that opens the fifth ends the batch.
        #expect(rows == 34_953)
    }

    @Test("every row has one cell per column, UNIX rows too, with and without Netid, State, queues, Process")
    func cellsPerRow() {
        let unix = UnixSocket(type: .stream, state: .established, inode: 9)
        for (netid, state, details) in [(true, true, OutputDetails()), (false, true, [.noQueues]), (true, false, [])] {
            var formatter = TableFormatter(families: [.inet])
            formatter.writesCells = true
            (formatter.showsNetid, formatter.showsState, formatter.details) = (netid, state, details)
            for processColumn in [false, true] {
                var bytes: [UInt8] = []
                formatter.writeHeader(processColumn: processColumn, to: &bytes)
                if processColumn {
                    formatter.write(FormatterTests.timeWait, owners: [], to: &bytes)
                    formatter.write(unix, owners: [], to: &bytes)
                } else {
                    formatter.write(FormatterTests.timeWait, to: &bytes)
                    formatter.write(unix, to: &bytes)
                }
                let cells = formatter.columns(processColumn: processColumn).count
                #expect(bytes.count { $0 == ColumnLayout.cellEnd } == 3 * cells, "\(netid) \(state) \(details)")
            }
        }
    }

    @Test("-Q leaves the queues out of UNIX rows as out of the header")
    func unixWithoutQueues() {
        var formatter = TableFormatter(families: [.inet])
        formatter.details = [.noQueues]
        var bytes: [UInt8] = []
        formatter.write(UnixSocket(type: .stream, state: .established, receiveQueue: 7, inode: 9), to: &bytes)
        let words = String(decoding: bytes, as: UTF8.self).split(separator: " ")
        #expect(words == ["u_str", "ESTAB", "*", "9", "*", "0\n"])
    }
}
