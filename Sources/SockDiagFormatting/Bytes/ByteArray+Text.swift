extension [UInt8] {
    /// Appends `value` in decimal.
    @inline(__always)
    mutating func appendDecimal(_ value: UInt32) {
        if value < 10 {
            append(UInt8(ascii: "0") &+ UInt8(value))
            return
        }
        appendDecimal(UInt64(value))
    }

    /// Appends `value` in decimal.
    mutating func appendDecimal(_ value: UInt64) {
        var divisor: UInt64 = 1
        while value / divisor >= 10 { divisor &*= 10 }
        var rest = value
        while divisor > 0 {
            append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// Appends `count` spaces (nothing when `count` ≤ 0).
    @inline(__always)
    mutating func appendSpaces(_ count: Int) {
        if count > 0 { append(contentsOf: repeatElement(UInt8(ascii: " "), count: count)) }
    }

    /// Appends `text` left-aligned in `width` columns.
    mutating func appendPadded(_ text: String, width: Int) {
        append(contentsOf: text.utf8)
        appendSpaces(width - text.utf8.count)
    }
}
