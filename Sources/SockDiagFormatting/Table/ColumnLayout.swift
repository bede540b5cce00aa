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
    /// Where ``render(into:)`` lays out lines before appending them to its output (allocated on first use).
    private var scratch: [UInt8] = []
    static let scratchSize = 1 << 15

    /// A layout of `columns` (at least one) for a screen `screenWidth` wide (`nil`: compact).
    public init(columns: [Column], screenWidth: Int?) {
        precondition(!columns.isEmpty, "a table has at least one column")
        self.columns = columns
        self.screenWidth = screenWidth
        // Room for a whole batch, so that the buffer never grows by copying (untouched pages cost no memory).
        cells.reserveCapacity(TokenChunks.limit * TokenChunks.room + (1 << 16))
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
            guard let base = bytes.baseAddress else { return }
            while position < bytes.count {
                guard let end = base.cellEnd(from: position, count: bytes.count) else { return }
                let length = end - position
                position += length + 1
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
        let limit = min(measured, rendered + (1 << 16))
        if scratch.isEmpty { scratch = [UInt8](repeating: 0, count: Self.scratchSize) }
        let lines = LineWriter(columns: columns, compact: screenWidth == nil)
        var position = rendered
        cells.withUnsafeBufferPointer { bytes in
            scratch.withUnsafeMutableBufferPointer { scratch in
                position = lines.write(bytes, from: position, to: limit, through: scratch, into: &output)
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

}
