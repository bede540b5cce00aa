/// Writes bytes through a raw pointer into space reserved in advance: the formatters' hot path, with no bounds or
/// uniqueness checks per byte. The caller reserves enough room (see `[UInt8].appendWriting(maximum:_:)`).
struct ByteWriter {
    let base: UnsafeMutablePointer<UInt8>
    var count = 0

    @inline(__always)
    mutating func put(_ byte: UInt8) {
        base[count] = byte
        count &+= 1
    }

    @inline(__always)
    mutating func put(_ text: StaticString) {
        let length = text.utf8CodeUnitCount
        (base + count).update(from: text.utf8Start, count: length)
        count &+= length
    }

    @inline(__always)
    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        (base + count).update(from: source, count: bytes.count)
        count &+= bytes.count
    }

    @inline(__always)
    mutating func put(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { put($0) }
    }

    @inline(__always)
    mutating func spaces(_ number: Int) {
        guard number > 0 else { return }
        (base + count).initialize(repeating: UInt8(ascii: " "), count: number)
        count &+= number
    }

    /// Decimal digits of `value`.
    @inline(__always)
    mutating func decimal(_ value: UInt32) {
        if value < 10 {
            put(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        decimal(UInt64(value))
    }

    /// Decimal digits of `value`.
    mutating func decimal(_ value: UInt64) {
        var digits = 1
        var probe = value
        while probe >= 10 {
            probe /= 10
            digits &+= 1
        }
        var rest = value
        var position = count &+ digits
        while position > count {
            position &-= 1
            base[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        }
        count &+= digits
    }

    /// Lower-case hexadecimal of `value` without leading zeros.
    mutating func hex(_ value: UInt64) {
        var shift: UInt64 = 60
        while shift > 0 && (value >> shift) & 0xF == 0 { shift -= 4 }
        while true {
            let nibble = UInt8(truncatingIfNeeded: (value >> shift) & 0xF)
            put(nibble < 10 ? UInt8(ascii: "0") &+ nibble : UInt8(ascii: "a") &+ nibble &- 10)
            if shift == 0 { break }
            shift -= 4
        }
    }
}

extension [UInt8] {
    /// Appends what `body` writes, which must be at most `maximum` bytes: written on the stack, then copied once.
    @inline(__always)
    mutating func appendWriting(maximum: Int, _ body: (inout ByteWriter) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maximum) { scratch in
            var writer = ByteWriter(base: scratch.baseAddress!)
            body(&writer)
            precondition(writer.count <= maximum, "formatter wrote past its reservation")
            append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<writer.count]))
        }
    }
}
