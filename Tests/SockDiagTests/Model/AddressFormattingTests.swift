import Glibc
import Testing

@testable import SockDiag

@Suite("Address and port formatting")
struct AddressFormattingTests {
    /// glibc's own text for an IPv6 address.
    func ntop(_ address: IPv6Address) -> String {
        var raw = in6_addr()
        withUnsafeMutableBytes(of: &raw) { bytes in
            withUnsafeBytes(of: address.high.bigEndian) { bytes.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: 8) }
            withUnsafeBytes(of: address.low.bigEndian) { (bytes.baseAddress! + 8).copyMemory(from: $0.baseAddress!, byteCount: 8) }
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count))
        return String(cString: text)
    }

    @Test("IPv6 text matches inet_ntop for hand-picked addresses", arguments: [
        (UInt64(0), UInt64(0), "::"), (0, 1, "::1"), (0, 0xFFFF_7F00_0001, "::ffff:127.0.0.1"),
        (0, 0x7F00_0001, "::127.0.0.1"), (0xFE80_0000_0000_0000, 1, "fe80::1"),
        (0x2001_0DB8_0000_0000, 0x0000_0000_0000_0001, "2001:db8::1"),
        (0x2001_0DB8_0000_0001, 0x0000_0000_0001_0000, "2001:db8:0:1::1:0"),
        (0x2001_0DB8_0001_0000, 0x0001_0000_0000_0001, "2001:db8:1:0:1::1"),
        (0x0001_0000_0000_0000, 0, "1::"), (0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
    ])
    func ipv6(high: UInt64, low: UInt64, text: String) {
        let address = IPv6Address(high: high, low: low)
        #expect(address.description == text)
        #expect(ntop(address) == text)
    }

    @Test("IPv6 text matches inet_ntop for 20,000 addresses with zero runs")
    func ipv6Random() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            // Zero out random 16-bit groups so that runs of every length and position occur.
            var groups = (0..<8).map { _ in UInt64.random(in: 0...0xFFFF, using: &generator) }
            let mask = UInt8.random(in: 0...255, using: &generator)
            for index in 0..<8 where mask & (1 << index) != 0 { groups[index] = 0 }
            if Bool.random(using: &generator) { groups[5] = 0xFFFF }
            let high = groups[0..<4].reduce(0) { $0 << 16 | $1 }
            let low = groups[4..<8].reduce(0) { $0 << 16 | $1 }
            let address = IPv6Address(high: high, low: low)
            #expect(address.description == ntop(address))
        }
    }

    @Test("IPv4 parse and format round-trip", arguments: [
        ("0.0.0.0", UInt32(0)), ("127.0.0.1", 0x7F00_0001), ("255.255.255.255", 0xFFFF_FFFF), ("10.1.2.3", 0x0A01_0203),
    ])
    func ipv4(text: String, value: UInt32) {
        #expect(IPv4Address(text)?.rawValue == value)
        #expect(IPv4Address(rawValue: value).description == text)
    }

    @Test("bad IPv4 text is rejected", arguments: ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "a.b.c.d", "1.2.3.4 "])
    func ipv4Bad(text: String) {
        #expect(IPv4Address(text) == nil)
    }

    @Test("endpoints print as ss prints them")
    func endpoints() {
        #expect(Endpoint(address: .v4(.loopback), port: 8000).description == "127.0.0.1:8000")
        #expect(Endpoint(address: .v4(.any), port: 0).description == "0.0.0.0:*")
        #expect(Endpoint(address: .v6(.loopback), port: 443).description == "[::1]:443")
    }

    @Test("link-local addresses keep their scope")
    func scope() {
        let address = IPv6Address(high: 0xFE80_0000_0000_0000, low: 1, scopeID: 3)
        #expect(address.isLinkLocal)
        #expect(address.scopeID == 3)
        #expect(!IPv6Address.loopback.isLinkLocal)
    }
}
