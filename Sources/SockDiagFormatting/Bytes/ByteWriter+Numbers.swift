/// The number forms ss prints in its `-o`, `-i` and `-m` columns, written without Foundation or `printf`.
extension ByteWriter {
    /// Powers of ten that are exact in a `Double` (10⁰ … 10²²).
    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// `value` × 10^exponent: exact in one step up to 10²², in steps of 10²² beyond (any finite value's exponent).
    private static func scale(_ value: Double, by exponent: Int) -> Double {
        var result = value
        var rest = exponent
        while rest > 22 {
            result *= powersOfTen[22]
            rest -= 22
        }
        while rest < -22 {
            result /= powersOfTen[22]
            rest += 22
        }
        return rest >= 0 ? result * powersOfTen[rest] : result / powersOfTen[-rest]
    }

    /// `value` as C's `%.<precision>g` prints it (significant digits, trailing zeros dropped, an exponent below
    /// 10⁻⁴ or from 10^precision on), for finite values ≥ 0 and precision 1…15.
    mutating func general(_ value: Double, precision: Int = 6) {
        assert((1...15).contains(precision), "precision 1…15")
        guard value > 0, value.isFinite else {
            put(UInt8(ascii: "0"))
            return
        }
        // The decimal exponent, then the significant digits rounded to `precision`, adjusting the exponent when
        // the estimate was off by one or rounding carried into a new digit.
        var exponent = 0
        var probe = value
        while probe >= 10 {
            probe /= 10
            exponent += 1
        }
        while probe < 1 {
            probe *= 10
            exponent -= 1
        }
        let limit = UInt64(Self.powersOfTen[precision])
        var digits = UInt64(Self.scale(value, by: precision - 1 - exponent).rounded(.toNearestOrEven))
        if digits >= limit {
            exponent += 1
            digits = UInt64(Self.scale(value, by: precision - 1 - exponent).rounded(.toNearestOrEven))
        }
        if exponent < -4 || exponent >= precision {
            // d.ddde±XX
            var fraction = precision - 1
            while fraction > 0 && digits % 10 == 0 {
                digits /= 10
                fraction -= 1
            }
            writeDigits(digits, fractionDigits: fraction)
            put(UInt8(ascii: "e"))
            put(exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            let magnitude = UInt32(abs(exponent))
            if magnitude < 10 { put(UInt8(ascii: "0")) }
            decimal(magnitude)
        } else {
            var fraction = precision - 1 - exponent
            while fraction > 0 && digits % 10 == 0 {
                digits /= 10
                fraction -= 1
            }
            writeDigits(digits, fractionDigits: fraction)
        }
    }

    /// `digits` with a decimal point before its last `fractionDigits` digits (and a leading `0.` and zeros as
    /// needed).
    private mutating func writeDigits(_ digits: UInt64, fractionDigits: Int) {
        guard fractionDigits > 0 else {
            decimal(digits)
            return
        }
        let divisor = UInt64(Self.powersOfTen[fractionDigits])
        decimal(digits / divisor)
        put(UInt8(ascii: "."))
        // The fraction with its leading zeros.
        var remainder = digits % divisor
        var scale = divisor / 10
        while scale > 0 {
            put(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remainder / scale))
            remainder %= scale
            scale /= 10
        }
    }

    /// `value` as C's `%.0f` prints it, whatever its size.
    mutating func rounded(_ value: Double) {
        guard value > 0, value.isFinite else {
            put(UInt8(ascii: "0"))
            return
        }
        wholeNumber(value)
    }

    /// `value` as C's `%.1f` prints it, whatever its size: the whole part exactly, the fraction (exact in a
    /// `Double`) rounded to tenths, so that large values lose no digit to a multiplication.
    mutating func oneDecimal(_ value: Double) {
        guard value > 0, value.isFinite else {
            put("0.0")
            return
        }
        var whole = value.rounded(.towardZero)
        var tenths = ((value - whole) * 10).rounded(.toNearestOrEven)
        if tenths >= 10 {
            whole += 1
            tenths = 0
        }
        wholeNumber(whole)
        put(UInt8(ascii: "."))
        put(UInt8(ascii: "0") &+ UInt8(tenths))
    }

    /// A bit rate as ss's `sprint_bw` prints it: with `numeric`, whole bits per second (`%.0f`); otherwise three
    /// significant digits and a `k`, `M`, `G` or `T` prefix. The caller appends `bps`.
    mutating func bitRate(_ bitsPerSecond: Double, numeric: Bool) {
        if numeric {
            rounded(bitsPerSecond)
        } else if bitsPerSecond >= 1e12 {
            general(bitsPerSecond / 1e12, precision: 3)
            put(UInt8(ascii: "T"))
        } else if bitsPerSecond >= 1e9 {
            general(bitsPerSecond / 1e9, precision: 3)
            put(UInt8(ascii: "G"))
        } else if bitsPerSecond >= 1e6 {
            general(bitsPerSecond / 1e6, precision: 3)
            put(UInt8(ascii: "M"))
        } else if bitsPerSecond >= 1e3 {
            general(bitsPerSecond / 1e3, precision: 3)
            put(UInt8(ascii: "k"))
        } else {
            general(bitsPerSecond)
        }
    }

    /// Microseconds as milliseconds the way ss prints `rto`, `rtt`, `ato`, `minrtt` (`%g` of µs / 1000).
    @inline(__always)
    mutating func milliseconds(microseconds: UInt32) {
        if microseconds % 1000 == 0 {
            decimal(microseconds / 1000)
        } else {
            general(Double(microseconds) / 1000)
        }
    }

    /// A timer's expiry as ss's `print_ms_timer` prints it: `59sec`, `1min14sec`, `200ms`, `1.200ms` (sic: 1.2 s),
    /// `12min`.
    mutating func timerExpiry(milliseconds timeout: UInt32) {
        var seconds = timeout / 1000
        let minutes = seconds / 60
        seconds %= 60
        var milliseconds = timeout % 1000
        if minutes > 0 {
            milliseconds = 0
            decimal(minutes)
            put("min")
            if minutes > 9 { seconds = 0 }
        }
        if seconds > 0 {
            if seconds > 9 { milliseconds = 0 }
            decimal(seconds)
            if milliseconds > 0 { put(UInt8(ascii: ".")) } else { put("sec") }
        }
        if milliseconds > 0 {
            put(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: milliseconds / 100))
            put(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: (milliseconds / 10) % 10))
            put(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: milliseconds % 10))
            put("ms")
        }
    }
}
