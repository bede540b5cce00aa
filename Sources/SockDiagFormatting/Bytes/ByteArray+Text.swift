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

extension [UInt8] {
    /// Appends a static string's bytes.
    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// Appends `value` in decimal, with a leading `-` when negative.
    mutating func appendSigned(_ value: Int32) {
        if value < 0 { append(UInt8(ascii: "-")) }
        appendDecimal(UInt64(value.magnitude))
    }

    /// Appends `value` in lowercase hexadecimal without leading zeros (`0` for zero), or zero-padded to `digits`.
    mutating func appendHex(_ value: UInt64, digits: Int = 1) {
        var count = 1
        while count < 16 && value >> (4 * UInt64(count)) != 0 { count += 1 }
        count = Swift.max(count, digits)
        for index in stride(from: count - 1, through: 0, by: -1) {
            let nibble = UInt8(truncatingIfNeeded: value >> (4 * UInt64(index))) & 0xF
            append(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10)
        }
    }

    /// Appends `value` in lowercase hexadecimal, zero-padded to `digits`.
    mutating func appendHex(_ value: UInt32, digits: Int) {
        appendHex(UInt64(value), digits: digits)
    }
}
