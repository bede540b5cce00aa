extension ColumnLayout {
    /// Writes measured rows as lines (ss's `render`): each cell with its column's space and padding
    /// (`print_left_spacing`, `print_right_spacing`), laid out in a scratch buffer through a raw pointer and
    /// appended to the output a scratch at a time.
    struct LineWriter {
        let columns: [Column]
        /// The columns before this index are padded on the left-aligned side: all of them on a screen; in the
        /// compact layout not the last column with a header (Process, or the peer's port) nor the details.
        let padded: Int

        init(columns: [Column], compact: Bool) {
            self.columns = columns
            padded = compact ? columns.count - 2 : columns.count
        }

        /// Writes the rows of `cells` from `start` on until `limit` is reached (whole rows), returning where it
        /// stopped.
        func write(
            _ cells: UnsafeBufferPointer<UInt8>,
            from start: Int,
            to limit: Int,
            through scratch: UnsafeMutableBufferPointer<UInt8>,
            into output: inout [UInt8]
        ) -> Int {
            let base = cells.baseAddress!
            let out = scratch.baseAddress!
            var used = 0
            var position = start
            while position < limit {
                for index in columns.indices {
                    let cell = base + position
                    let length = base.cellEnd(from: position, count: cells.count)! - position
                    position += length + 1
                    let (space, before, after) = spacing(length, index: index)
                    // The slack lets short cells and paddings be written as whole words past their end.
                    let need = (space ? 1 : 0) + before + length + after + 1 + Self.slack
                    if used + need > scratch.count {
                        output.append(contentsOf: UnsafeBufferPointer(start: out, count: used))
                        used = 0
                        if need > scratch.count {
                            // A cell longer than the scratch (a very long Process or details cell).
                            output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (space ? 1 : 0) + before))
                            output.append(contentsOf: UnsafeBufferPointer(start: cell, count: length))
                            output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: after))
                            continue
                        }
                    }
                    if space {
                        out[used] = UInt8(ascii: " ")
                        used += 1
                    }
                    Self.spaces(out + used, count: before)
                    used += before
                    if length <= Self.slack && cells.count - position >= Self.slack {
                        // `position` is past the cell: 16 bytes from its start are readable.
                        let raw = UnsafeRawPointer(cell)
                        let target = UnsafeMutableRawPointer(out + used)
                        target.storeBytes(of: raw.loadUnaligned(as: UInt64.self), as: UInt64.self)
                        let second = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                        target.storeBytes(of: second, toByteOffset: 8, as: UInt64.self)
                    } else {
                        (out + used).update(from: cell, count: length)
                    }
                    used += length
                    Self.spaces(out + used, count: after)
                    used += after
                }
                if used == scratch.count {
                    output.append(contentsOf: UnsafeBufferPointer(start: out, count: used))
                    used = 0
                }
                out[used] = UInt8(ascii: "\n")
                used += 1
            }
            output.append(contentsOf: UnsafeBufferPointer(start: out, count: used))
            return position
        }

        /// The bytes written past a short cell or padding (two words).
        static let slack = 16

        /// `count` spaces at `target`, two words at a time when they are short (up to ``slack`` bytes beyond
        /// `count` may be written: the caller has room for them).
        @inline(__always)
        private static func spaces(_ target: UnsafeMutablePointer<UInt8>, count: Int) {
            guard count > 0 else { return }
            guard count <= slack else { return target.update(repeating: UInt8(ascii: " "), count: count) }
            let raw = UnsafeMutableRawPointer(target)
            raw.storeBytes(of: 0x2020_2020_2020_2020 as UInt64, as: UInt64.self)
            raw.storeBytes(of: 0x2020_2020_2020_2020 as UInt64, toByteOffset: 8, as: UInt64.self)
        }

        /// Whether a space comes before a cell of `length` bytes in column `index`, and the padding before and
        /// after it.
        @inline(__always)
        private func spacing(_ length: Int, index: Int) -> (space: Bool, before: Int, after: Int) {
            let column = columns[index]
            let space = index != 0 && column.spaced
            guard column.width > 0 else { return (space, 0, 0) }
            let printed = space ? 1 : 0
            if column.alignment == .right { return (space, max(0, column.width - length - printed), 0) }
            guard index < padded else { return (space, 0, 0) }
            return (space, 0, max(0, column.width - printed - length))
        }
    }
}

extension UnsafePointer<UInt8> {
    /// The offset of the first ``ColumnLayout/cellEnd`` at or after `start` in the `count` bytes here, or `nil`;
    /// eight bytes at a time (cells are short: a call per cell costs more than the search).
    @inline(__always)
    func cellEnd(from start: Int, count: Int) -> Int? {
        var position = start
        while position + 8 <= count {
            let word = UInt64(littleEndian: UnsafeRawPointer(self + position).loadUnaligned(as: UInt64.self))
            // The lowest byte of `zero` with its top bit set is the first zero byte of `word`.
            let zero = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
            if zero != 0 { return position + zero.trailingZeroBitCount / 8 }
            position += 8
        }
        while position < count {
            if self[position] == ColumnLayout.cellEnd { return position }
            position += 1
        }
        return nil
    }
}
