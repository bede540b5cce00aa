extension ColumnLayout {
    /// Sets each column's width for the batch, as ss's `render_calc_width`: the longest cell and the space before
    /// it (not for the first column with cells), at most the screen's width; then, on a screen, the columns that fit
    /// on one line share the width left over, one more for the rightmost when it does not divide evenly. Columns
    /// that do not fit start another line (the terminal wraps them) that shares its own width left over.
    mutating func computeWidths() {
        let screen = screenWidth ?? Int.max
        var first = true
        for index in columns.indices {
            let column = columns[index]
            let width = !first && column.longest > 0 ? column.longest + (column.spaced ? 1 : 0) : column.longest
            columns[index].width = min(width, screen)
            if columns[index].width > 0 { first = false }
        }
        guard screenWidth != nil else { return }
        var length = 0
        var lineColumns = 0
        var lineStart = 0
        var index = 0
        while index < columns.count {
            defer { index += 1 }
            guard columns[index].width > 0 else { continue }
            lineColumns += 1
            length += columns[index].width
            let last = !columns[(index + 1)...].contains { $0.width > 0 }
            if !last && length < screen { continue }
            if length != screen {
                if length > screen {
                    // The line is full without this column: it starts the next one.
                    length -= columns[index].width
                    index -= 1
                    lineColumns -= 1
                }
                spread(screen - length, over: lineColumns, from: lineStart, through: index)
            }
            lineStart = index + 1
            length = 0
            lineColumns = 0
        }
    }

    /// Adds `spare` columns to the `count` columns with a width in `first...last`, the remainder one each from the
    /// right.
    private mutating func spread(_ spare: Int, over count: Int, from first: Int, through last: Int) {
        guard count > 0, last >= first else { return }
        let spacing = spare / count
        var remainder = spare % count
        for index in stride(from: last, through: first, by: -1) where columns[index].width > 0 {
            columns[index].width += spacing
            if remainder > 0 {
                columns[index].width += 1
                remainder -= 1
            }
        }
    }
}
