/// An IPv4 address, held as the 32-bit number whose most significant byte is the first octet.
public struct IPv4Address: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The address as a host-order number: 127.0.0.1 is `0x7F00_0001`.
    public let rawValue: UInt32

    /// Creates an address from its host-order number.
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// The unspecified address 0.0.0.0.
    public static let any = IPv4Address(rawValue: 0)
    /// The loopback address 127.0.0.1.
    public static let loopback = IPv4Address(rawValue: 0x7F00_0001)

    /// Parses dotted-quad text such as `127.0.0.1`; returns `nil` for anything else.
    public init?(_ text: some StringProtocol) {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, dots < 3 else { return nil }
                value = value << 8 | octet
                octet = 0
                digits = 0
                dots += 1
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                guard digits < 3 else { return nil }
                octet = octet * 10 + UInt32(byte - UInt8(ascii: "0"))
                guard octet <= 255 else { return nil }
                digits += 1
            } else {
                return nil
            }
        }
        guard dots == 3, digits > 0 else { return nil }
        self.rawValue = value << 8 | octet
    }

    /// Appends the dotted-quad text to `buffer`, without allocating.
    public func write(to buffer: inout [UInt8]) {
        let address = self
        buffer.appendText(maximum: 15) { address.writeText(to: $0) }
    }

    /// Writes the dotted-quad text at `base` (at most 15 bytes), as ``write(to:)`` does, and returns how many bytes
    /// it wrote: the form the formatters write their rows in.
    @inlinable @inline(__always)
    package func writeText(to base: UnsafeMutablePointer<UInt8>) -> Int {
        var count = Self.writeOctet(UInt8(truncatingIfNeeded: rawValue >> 24), to: base)
        base[count] = UInt8(ascii: ".")
        count &+= 1
        count &+= Self.writeOctet(UInt8(truncatingIfNeeded: rawValue >> 16), to: base + count)
        base[count] = UInt8(ascii: ".")
        count &+= 1
        count &+= Self.writeOctet(UInt8(truncatingIfNeeded: rawValue >> 8), to: base + count)
        base[count] = UInt8(ascii: ".")
        count &+= 1
        count &+= Self.writeOctet(UInt8(truncatingIfNeeded: rawValue), to: base + count)
        return count
    }

    /// Writes the 1 to 3 digits of `value` at `base`; returns how many.
    @inlinable @inline(__always)
    static func writeOctet(_ value: UInt8, to base: UnsafeMutablePointer<UInt8>) -> Int {
        if value >= 100 {
            base[0] = UInt8(ascii: "0") &+ value / 100
            base[1] = UInt8(ascii: "0") &+ (value / 10) % 10
            base[2] = UInt8(ascii: "0") &+ value % 10
            return 3
        }
        if value >= 10 {
            base[0] = UInt8(ascii: "0") &+ value / 10
            base[1] = UInt8(ascii: "0") &+ value % 10
            return 2
        }
        base[0] = UInt8(ascii: "0") &+ value
        return 1
    }

    /// Dotted-quad text, e.g. `127.0.0.1`.
    public var description: String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(15)
        write(to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

/// An IPv6 address with its scope (interface index) where the kernel gave one.
public struct IPv6Address: Hashable, Sendable, CustomStringConvertible {
    /// The first 64 bits, most significant byte first.
    public let high: UInt64
    /// The last 64 bits, most significant byte first.
    public let low: UInt64
    /// The interface index of a link-local address's scope; 0 when none.
    public let scopeID: UInt32

    /// Creates an address from its two halves (host-order numbers of the big-endian halves).
    public init(high: UInt64, low: UInt64, scopeID: UInt32 = 0) {
        self.high = high
        self.low = low
        self.scopeID = scopeID
    }

    /// The unspecified address `::`.
    public static let any = IPv6Address(high: 0, low: 0)
    /// The loopback address `::1`.
    public static let loopback = IPv6Address(high: 0, low: 1)

    /// Whether this is `::`.
    public var isAny: Bool { high == 0 && low == 0 }

    /// Whether this is an IPv4-mapped address `::ffff:a.b.c.d`, as dual-stack sockets show IPv4 peers.
    public var isIPv4Mapped: Bool { high == 0 && low >> 32 == 0xFFFF }

    /// Whether this is a link-local unicast address (fe80::/10).
    public var isLinkLocal: Bool { high >> 54 == 0x3FA }

    /// The embedded IPv4 address of an IPv4-mapped address.
    public var ipv4Mapped: IPv4Address? {
        isIPv4Mapped ? IPv4Address(rawValue: UInt32(truncatingIfNeeded: low)) : nil
    }

    /// The eight 16-bit groups.
    @inline(__always)
    func group(_ index: Int) -> UInt16 {
        let half = index < 4 ? high : low
        return UInt16(truncatingIfNeeded: half >> UInt64(48 - 16 * (index & 3)))
    }

    /// Appends the text form to `buffer` as glibc's `inet_ntop` writes it (RFC 5952 compression,
    /// the `::ffff:a.b.c.d` and `::a.b.c.d` forms), without the scope and without allocating.
    public func write(to buffer: inout [UInt8]) {
        let address = self
        buffer.appendText(maximum: 45) { address.writeText(to: $0) }
    }

    /// Writes the text form at `base` (at most 45 bytes), as ``write(to:)`` does, and returns how many bytes it
    /// wrote.
    package func writeText(to base: UnsafeMutablePointer<UInt8>) -> Int {
        // Longest run of zero groups, at least two long; the first one wins a tie.
        var bestStart = -1
        var bestLength = 0
        var runStart = -1
        for index in 0..<8 {
            if group(index) == 0 {
                if runStart < 0 { runStart = index }
                let length = index - runStart + 1
                if length > bestLength {
                    bestStart = runStart
                    bestLength = length
                }
            } else {
                runStart = -1
            }
        }
        if bestLength < 2 { bestStart = -1 }
        var count = 0
        for index in 0..<8 {
            if bestStart >= 0 && index >= bestStart && index < bestStart + bestLength {
                if index == bestStart {
                    base[count] = UInt8(ascii: ":")
                    count &+= 1
                }
                continue
            }
            if index != 0 {
                base[count] = UInt8(ascii: ":")
                count &+= 1
            }
            if index == 6 && bestStart == 0 && (bestLength == 6 || (bestLength == 5 && group(5) == 0xFFFF)) {
                return count &+ IPv4Address(rawValue: UInt32(truncatingIfNeeded: low)).writeText(to: base + count)
            }
            count &+= Self.writeHex(group(index), to: base + count)
        }
        if bestStart >= 0 && bestStart + bestLength == 8 {
            base[count] = UInt8(ascii: ":")
            count &+= 1
        }
        return count
    }

    /// Writes `value` in lower-case hexadecimal without leading zeros at `base`; returns how many digits.
    private static func writeHex(_ value: UInt16, to base: UnsafeMutablePointer<UInt8>) -> Int {
        var shift: UInt16 = 12
        while shift > 0 && (value >> shift) & 0xF == 0 { shift -= 4 }
        var count = 0
        while true {
            let nibble = UInt8(truncatingIfNeeded: (value >> shift) & 0xF)
            base[count] = nibble < 10 ? UInt8(ascii: "0") &+ nibble : UInt8(ascii: "a") &+ nibble &- 10
            count &+= 1
            if shift == 0 { return count }
            shift -= 4
        }
    }

    /// The text form as `inet_ntop` writes it, e.g. `::1`, `fe80::1`, `::ffff:127.0.0.1`.
    public var description: String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(39)
        write(to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

/// An IPv4 or IPv6 address.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// An IPv4 address.
    case v4(IPv4Address)
    /// An IPv6 address.
    case v6(IPv6Address)

    /// Whether this is the unspecified address of its family.
    public var isAny: Bool {
        switch self {
        case .v4(let address): return address == .any
        case .v6(let address): return address.isAny
        }
    }

    /// Appends the text form (no brackets, no scope) to `buffer`.
    public func write(to buffer: inout [UInt8]) {
        switch self {
        case .v4(let address): address.write(to: &buffer)
        case .v6(let address): address.write(to: &buffer)
        }
    }

    /// The text form, e.g. `127.0.0.1` or `::1`.
    public var description: String {
        switch self {
        case .v4(let address): return address.description
        case .v6(let address): return address.description
        }
    }
}

extension [UInt8] {
    /// Appends what `write` writes at the pointer it is given, at most `maximum` bytes, returning how many: written on
    /// the stack, then copied once.
    @inline(__always)
    fileprivate mutating func appendText(maximum: Int, _ write: (UnsafeMutablePointer<UInt8>) -> Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maximum) { scratch in
            let count = write(scratch.baseAddress!)
            precondition(count <= maximum, "address text longer than its reservation")
            append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<count]))
        }
    }
}
