/// An address prefix and/or a port, as in ss's `src 10.0.0.0/8:80` (`struct inet_diag_hostcond`).
public struct HostCondition: Hashable, Sendable {
    /// The family the address belongs to; `nil` matches both.
    public var family: AddressFamily?
    /// The address (meaningful for the first `prefixLength` bits).
    public var address: IPAddress?
    /// How many leading bits of the address must match; 0 matches any address.
    public var prefixLength: UInt8
    /// The port that must match; `nil` for any.
    public var port: UInt16?

    /// Creates a condition.
    public init(family: AddressFamily? = nil, address: IPAddress? = nil, prefixLength: UInt8 = 0, port: UInt16? = nil) {
        self.family = family
        self.address = address
        self.prefixLength = prefixLength
        self.port = port
    }

    /// Whether `endpoint` of a socket of `family` satisfies the condition, with the kernel's rule that an IPv4
    /// condition also matches IPv4-mapped addresses of IPv6 sockets.
    public func matches(_ endpoint: Endpoint, family socketFamily: AddressFamily) -> Bool {
        if let port, port != endpoint.port { return false }
        if let family, family != socketFamily {
            // An IPv4 prefix against an IPv6 socket: only its IPv4-mapped addresses can match.
            guard family == .inet, case .v6(let v6) = endpoint.address, let mapped = v6.ipv4Mapped else { return false }
            return Self.prefixMatches(UInt64(mapped.rawValue) << 32, 0, self.address, prefixLength)
        }
        if prefixLength == 0 { return true }
        switch endpoint.address {
        case .v4(let v4): return Self.prefixMatches(UInt64(v4.rawValue) << 32, 0, address, prefixLength)
        case .v6(let v6): return Self.prefixMatches(v6.high, v6.low, address, prefixLength)
        }
    }

    /// Whether the first `bits` bits of the 128-bit value (high, low) equal those of `address`.
    private static func prefixMatches(_ high: UInt64, _ low: UInt64, _ address: IPAddress?, _ bits: UInt8) -> Bool {
        if bits == 0 { return true }
        let (wantHigh, wantLow): (UInt64, UInt64)
        switch address {
        case .v4(let v4): (wantHigh, wantLow) = (UInt64(v4.rawValue) << 32, 0)
        case .v6(let v6): (wantHigh, wantLow) = (v6.high, v6.low)
        case nil: return true
        }
        let highBits = min(Int(bits), 64)
        let lowBits = max(Int(bits) - 64, 0)
        let highMask: UInt64 = highBits == 0 ? 0 : ~0 << UInt64(64 - highBits)
        let lowMask: UInt64 = lowBits == 0 ? 0 : ~0 << UInt64(64 - lowBits)
        return high & highMask == wantHigh & highMask && low & lowMask == wantLow & lowMask
    }
}
