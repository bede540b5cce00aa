import SockDiag

extension ByteWriter {
    /// A dotted quad (at most 15 bytes), in the core's text form.
    @inline(__always)
    mutating func ipv4(_ address: IPv4Address) {
        count &+= address.writeText(to: base + count)
    }

    /// An IPv6 address as `inet_ntop` writes it (at most 45 bytes), in the core's text form.
    @inline(__always)
    mutating func ipv6(_ address: IPv6Address) {
        count &+= address.writeText(to: base + count)
    }

    /// The text form of `address` (no brackets, no scope), at most 45 bytes.
    @inline(__always)
    mutating func address(_ address: IPAddress) {
        switch address {
        case .v4(let v4): ipv4(v4)
        case .v6(let v6): ipv6(v6)
        }
    }

    /// The address of `endpoint` as ss prints it: IPv6 in brackets, and `*` for the IPv6 wildcard of a socket that
    /// also accepts IPv4 (no `IPV6_V6ONLY`).
    @inline(__always)
    mutating func ssAddress(_ endpoint: Endpoint, v6Only: Bool) {
        switch endpoint.address {
        case .v4(let v4):
            ipv4(v4)
        case .v6(let v6):
            if v6.isAny && !v6Only {
                put(UInt8(ascii: "*"))
            } else {
                put(UInt8(ascii: "["))
                ipv6(v6)
                put(UInt8(ascii: "]"))
            }
        }
    }
}
