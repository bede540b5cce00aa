/// How full ss's output buffer is, to end a batch of rows where ss ends it (iproute2's `buf_update`,
/// `field_flush` and `field_next`).
///
/// ss stores each cell as a token (a 16-bit length, then the text, padded to an even size) in chunks of 1 MiB, a
/// token that does not fit moving whole to a new chunk; at the end of a row that left five chunks, it lays out
/// and writes what it holds and starts over (keeping each column's longest cell).
struct TokenChunks: Sendable {
    /// The room for tokens in a chunk: 1 MiB less the chunk's two pointers.
    static let room = (1 << 20) - 16
    /// The number of chunks at which ss writes its rows.
    static let limit = 5

    /// The chunks in use (0 before the first token).
    private(set) var count = 0
    /// Where the open token starts in the last chunk.
    private var token = 0

    /// Whether ss would write its rows at this row's end.
    var isFull: Bool { count >= Self.limit }

    /// The open token gets its text, `length` bytes (ss's `out`: text that does not fit moves with its token to a
    /// new chunk; `vsnprintf` needs a byte for its NUL).
    mutating func write(_ length: Int) {
        if count == 0 { count = 1 }
        if length > 0 && token + 2 + length >= Self.room && token != 0 {
            count += 1
            token = 0
        }
    }

    /// Closes the open token of `length` bytes and opens the next (ss's `field_flush`).
    mutating func close(_ length: Int) {
        let padding = length % 2
        if Self.room - (token + 2 + length) - padding < 2 {
            count += 1
            token = 0
        } else {
            token += 2 + length + padding
        }
    }
}
