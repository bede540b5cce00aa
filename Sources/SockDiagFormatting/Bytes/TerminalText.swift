/// Text that the kernel or another process chose (command names, UNIX socket paths, cgroup paths, interface and
/// congestion control names), made safe for a terminal: valid UTF-8 is kept, every control character (C0, DEL and
/// the C1 range U+0080–U+009F, which terminals read as escape sequences) becomes `?`, and so does each byte of a
/// sequence that is not valid UTF-8. The result is never longer than the input.
///
/// ss (since iproute2 7.0) escapes command names the same way (`escape_str`, from procps: `?` for control
/// characters in a UTF-8 locale); it prints paths as they are.
enum TerminalText {
    /// Calls `put` with the safe form of `bytes`, byte by byte; a NUL becomes `nul`.
    @inline(__always)
    static func forEachSafeByte<Bytes: RandomAccessCollection>(
        _ bytes: Bytes,
        nul: UInt8 = UInt8(ascii: "?"),
        _ put: (UInt8) -> Void
    ) where Bytes.Element == UInt8, Bytes.Index == Int {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte < 0x80 {
                put(byte == 0 ? nul : byte < 0x20 || byte == 0x7F ? UInt8(ascii: "?") : byte)
                index += 1
                continue
            }
            let length = sequenceLength(bytes, at: index)
            if length == 0 || (byte == 0xC2 && bytes[index + 1] < 0xA0) {
                // Not UTF-8, or a C1 control character (U+0080–U+009F).
                put(UInt8(ascii: "?"))
                index += length == 0 ? 1 : length
                continue
            }
            for offset in 0..<length { put(bytes[index + offset]) }
            index += length
        }
    }

    /// The length of the valid UTF-8 sequence of 2 to 4 bytes that starts at `index`, or 0 (no overlong forms, no
    /// surrogates, nothing past U+10FFFF).
    @inline(__always)
    static func sequenceLength<Bytes: RandomAccessCollection>(_ bytes: Bytes, at index: Int) -> Int
    where Bytes.Element == UInt8, Bytes.Index == Int {
        let lead = bytes[index]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: (length, low) = (3, 0xA0)
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: (length, high) = (3, 0x9F)
        case 0xF0: (length, low) = (4, 0x90)
        case 0xF1...0xF3: length = 4
        case 0xF4: (length, high) = (4, 0x8F)
        default: return 0
        }
        guard index + length <= bytes.endIndex else { return 0 }
        let second = bytes[index + 1]
        guard second >= low && second <= high else { return 0 }
        for offset in 2..<max(2, length) where bytes[index + offset] & 0xC0 != 0x80 { return 0 }
        return length
    }
}

extension ByteWriter {
    /// Writes `bytes` made safe for a terminal (``TerminalText``); a NUL becomes `nul`.
    mutating func putSafe<Bytes: RandomAccessCollection>(_ bytes: Bytes, nul: UInt8 = UInt8(ascii: "?"))
    where Bytes.Element == UInt8, Bytes.Index == Int {
        TerminalText.forEachSafeByte(bytes, nul: nul) { put($0) }
    }
}

extension [UInt8] {
    /// Appends `bytes` made safe for a terminal: control characters and bytes that are not UTF-8 as `?`.
    package mutating func appendSafe<Bytes: RandomAccessCollection>(_ bytes: Bytes)
    where Bytes.Element == UInt8, Bytes.Index == Int {
        TerminalText.forEachSafeByte(bytes) { append($0) }
    }
}
