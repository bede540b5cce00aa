/// Whole numbers held in a `Double`, written exactly as C's `%.0f` writes them: ss computes rates in `double` and
/// prints them whatever their size (`147573952589676412928bps` for a `SO_MAX_PACING_RATE` of 2^64 − 2 bytes/s), so
/// values of 2^64 and more, which `UInt64(_:)` traps on, are written digit by digit.
extension ByteWriter {
    /// `value` rounded to a whole number, for finite values ≥ 0 of any size.
    mutating func wholeNumber(_ value: Double) {
        let rounded = value.rounded(.toNearestOrEven)
        if rounded < 0x1p64 {
            decimal(UInt64(rounded))
        } else {
            largeWholeNumber(rounded)
        }
    }

    /// A whole `value` ≥ 2^64: its 53-bit significand doubled `exponent − 52` times, in base-10⁹ limbs (least
    /// significant first), so every digit is exact, as glibc's `printf` writes it.
    private mutating func largeWholeNumber(_ value: Double) {
        let billion: UInt64 = 1_000_000_000
        let significand = value.significandBitPattern | 1 << 52
        var limbs: [UInt64] = [significand % billion, significand / billion % billion, significand / billion / billion]
        var doublings = Int(value.exponent) - 52
        while doublings > 0 {
            let step = min(doublings, 30)  // a limb < 10⁹ < 2^30 shifted by 30 still fits with its carry
            var carry: UInt64 = 0
            for index in limbs.indices {
                let product = limbs[index] << UInt64(step) + carry
                limbs[index] = product % billion
                carry = product / billion
            }
            while carry > 0 {
                limbs.append(carry % billion)
                carry /= billion
            }
            doublings -= step
        }
        while limbs.count > 1 && limbs[limbs.count - 1] == 0 { limbs.removeLast() }
        decimal(limbs[limbs.count - 1])
        for limb in limbs.dropLast().reversed() {
            var divisor = billion / 10
            while divisor > 0 {
                put(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: limb / divisor % 10))
                divisor /= 10
            }
        }
    }
}
