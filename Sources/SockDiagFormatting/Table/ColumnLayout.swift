/// ss's column layout (iproute2's `render_calc_width` and `render`): rows come in as cells, a column is as wide as
/// its longest cell so far, and on a screen the spare width is spread over the columns.
///
/// ss keeps its rows until its buffer holds five 1 MiB chunks (``TokenChunks``), then lays them out and writes
/// them; the longest cell of each column is kept across batches. So does this layout: ``append()`` says when a
/// batch is due, ``render(into:)`` writes it.
///
/// Without a screen width (not a terminal, no `COLUMNS`) the layout is compact, as current ss (iproute2 7.0): a
/// column is as wide as its longest cell and the last column of a line is not padded, so no line ends in spaces.
public struct ColumnLayout: Sendable {
    /// How a column's cells sit in its width.
    public enum Alignment: Sendable {
        case left
        case right
    }

    /// One column of the table.
    public struct Column: Sendable, Equatable {
        /// Where the cells sit in the column's width.
        public var alignment: Alignment
        /// Whether a space separates the column from the one before it (ss's `ldelim`).
        public var spaced: Bool
        /// The longest cell so far (ss's `max_len`).
        var longest = 0
        /// The width of this batch (ss's `width`): the longest cell, its space, and its share of the screen.
        var width = 0

        /// A column aligned `alignment`, after a space when `spaced`.
        public init(_ alignment: Alignment, spaced: Bool) {
            self.alignment = alignment
            self.spaced = spaced
        }
    }

    /// The byte that ends each cell in ``cells``: no text a table cell holds has a NUL byte (names are C strings or
    /// made safe for a terminal).
    public static let cellEnd: UInt8 = 0

    /// The columns, each row having one cell for each; the last one holds the details (`-e`, `-i` …) and, on a
    /// screen, is padded as the others.
    public internal(set) var columns: [Column]
    /// The screen's width in columns, or `nil` for the compact layout.
    public var screenWidth: Int?
    /// The rows not yet written: each cell's text followed by ``cellEnd``, one cell per column and row.
    public var cells: [UInt8] = []
    /// How much of ``cells`` ``append()`` has measured, and the column of the cell after it.
    private var scanned = 0
    private var column = 0
    /// The end of the last whole row measured.
    private var measured = 0
    /// Where ``render(into:)`` goes on: the next row to write.
    private var rendered = 0
    /// ss's buffer, to end a batch where ss does.
    private var chunks = TokenChunks()
    /// The length of the last row's details, not yet closed.
    private var openDetails: Int?

    /// A layout of `columns` (at least one) for a screen `screenWidth` wide (`nil`: compact).
    public init(columns: [Column], screenWidth: Int?) {
        precondition(!columns.isEmpty, "a table has at least one column")
        self.columns = columns
        self.screenWidth = screenWidth
    }

    /// Whether rows wait in ``cells`` to be written.
    public var hasRows: Bool { !cells.isEmpty }

    /// Measures the rows appended to ``cells`` since the last call, up to the end of a batch.
    ///
    /// As ss, a cell counts for its column's width when ss closes its token: the details of a row when the next
    /// row starts, so the last row of a batch does not widen its details column.
    /// - Returns: Whether a batch is due (ss's buffer is full): call ``render(into:)`` until it is written, then
    ///   this again for the rows after it.
    public mutating func append() -> Bool {
        var due = false
        var position = scanned
        cells.withUnsafeBufferPointer { bytes in
            var start = position
            while position < bytes.count {
                guard bytes[position] == Self.cellEnd else {
                    position += 1
                    continue
                }
                let length = position - start
                position += 1
                start = position
                if let open = openDetails {
                    close(open, column: columns.count - 1)
                    openDetails = nil
                }
                chunks.write(length)
                guard column == columns.count - 1 else {
                    close(length, column: column)
                    column += 1
                    continue
                }
                column = 0
                measured = position
                // ss checks at the start of the next row, before it closes this one's last token.
                if chunks.isFull {
                    due = true
                    return
                }
                openDetails = length
            }
        }
        scanned = position
        return due
    }

    /// Closes a cell of `length` bytes in `column` (ss's `field_flush`).
    private mutating func close(_ length: Int, column: Int) {
        if length > columns[column].longest { columns[column].longest = length }
        chunks.close(length)
    }

    /// Lays out the measured rows as ss's `render` does and appends them to `output`, some 64 KiB of cells at a
    /// time: call it until it returns `false`, writing `output` out in between.
    /// - Returns: Whether rows remain to be written.
    public mutating func render(into output: inout [UInt8]) -> Bool {
        if rendered == 0 { computeWidths() }
        // Compact: no padding after the last column with a header (Process, or the peer's port), nor the details.
        let padded = screenWidth == nil ? columns.count - 2 : columns.count
        let columns = self.columns
        let limit = min(measured, rendered + (1 << 16))
        var position = rendered
        cells.withUnsafeBufferPointer { bytes in
            while position < limit {
                for index in columns.indices {
                    var end = position
                    while bytes[end] != Self.cellEnd { end += 1 }
                    let cell = UnsafeBufferPointer(rebasing: bytes[position..<end])
                    Self.write(cell, in: columns[index], first: index == 0, padded: index < padded, to: &output)
                    position = end + 1
                }
                output.append(UInt8(ascii: "\n"))
            }
        }
        rendered = position
        guard rendered >= measured else { return true }
        if measured == cells.count {
            cells.removeAll(keepingCapacity: cells.capacity <= 1 << 23)
        } else {
            cells.removeSubrange(..<measured)
        }
        scanned -= measured
        measured = 0
        openDetails = nil
        rendered = 0
        chunks = TokenChunks()
        return false
    }

    /// One cell with its column's space and padding (ss's `print_left_spacing`, `print_right_spacing`).
    private static func write(
        _ cell: UnsafeBufferPointer<UInt8>,
        in column: Column,
        first: Bool,
        padded: Bool,
        to output: inout [UInt8]
    ) {
        var printed = 0
        if !first && column.spaced {
            output.append(UInt8(ascii: " "))
            printed = 1
        }
        if column.alignment == .right && column.width > 0 {
            let spacing = column.width - cell.count - printed
            output.appendSpaces(spacing)
            printed += max(0, spacing)
        }
        output.append(contentsOf: cell)
        printed += cell.count
        if column.alignment == .left && column.width > 0 && padded {
            output.appendSpaces(column.width - printed)
        }
    }
}
