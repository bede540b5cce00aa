/// The name of a TCP congestion control algorithm (`INET_DIAG_CONG`), such as `cubic` or `bbr`, held inline
/// (the kernel's names are at most 15 bytes, `TCP_CA_NAME_MAX` 16), so decoding it allocates nothing.
public struct CongestionControlName: Hashable, Sendable, CustomStringConvertible {
    /// The name's bytes, NUL-padded (two words, so that equality and hashing are synthesized).
    @usableFromInline private(set) var low: UInt64 = 0
    @usableFromInline private(set) var high: UInt64 = 0
    /// The name's length in bytes.
    public private(set) var count: Int = 0

    /// The longest name that fits (`TCP_CA_NAME_MAX`).
    public static let capacity = 16

    /// Creates a name from its bytes, up to the first NUL.
    /// - Parameter bytes: The name, NUL-terminated or not.
    /// - Returns: `nil` when the name (before any NUL) is longer than ``capacity`` bytes.
    public init?(bytes: UnsafeRawBufferPointer) {
        var length = 0
        while length < bytes.count && bytes[length] != 0 { length += 1 }
        guard length <= Self.capacity else { return nil }
        count = length
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { target in
            for index in 0..<length { target[index] = bytes[index] }
        }
        low = words.0
        high = words.1
    }

    /// Creates a name from a string.
    /// - Returns: `nil` when `name` is longer than ``capacity`` bytes of UTF-8 or contains a NUL.
    public init?(_ name: String) {
        var utf8 = Array(name.utf8)
        guard !utf8.contains(0) else { return nil }
        utf8.append(0)
        guard let value = utf8.withUnsafeBytes({ Self(bytes: $0) }) else { return nil }
        self = value
    }

    /// Calls `body` with the name's bytes (no NUL).
    @inlinable
    public func withBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        let words = (low, high)
        return try withUnsafeBytes(of: words) { try body(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
    }

    /// The name.
    public var description: String {
        withBytes { String(decoding: $0, as: UTF8.self) }
    }
}
