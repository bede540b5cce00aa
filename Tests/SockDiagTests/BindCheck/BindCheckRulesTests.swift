import Testing

@testable import SockDiag

#if canImport(Glibc)
import Glibc
#endif

@Suite("bind-check rules")
struct BindCheckRulesTests {
    static func socket(_ address: IPAddress, _ port: UInt16 = 8000, v6Only: Bool? = nil, state: SocketState = .listen) -> Socket {
        let family: AddressFamily
        if case .v4 = address { family = .inet } else { family = .inet6 }
        return Socket(
            transport: .tcp,
            family: family,
            state: state,
            local: Endpoint(address: address, port: port),
            peer: Endpoint(address: family == .inet ? .v4(.any) : .v6(.any), port: 0),
            v6Only: v6Only
        )
    }

    static let v4Any = IPAddress.v4(.any)
    static let v4Loop = IPAddress.v4(.loopback)
    static let v4Other = IPAddress.v4(IPv4Address("127.0.0.2")!)
    static let v6Any = IPAddress.v6(.any)
    static let v6Loop = IPAddress.v6(.loopback)
    static let mappedLoop = IPAddress.v6(IPv6Address(high: 0, low: 0xFFFF_7F00_0001))

    @Test("which held sockets overlap which binds (nil: no; false: directly; true: through dual stack)", arguments: [
        (socket(v4Loop), v4Loop, false as Bool?), (socket(v4Loop), v4Any, false), (socket(v4Any), v4Loop, false),
        (socket(v4Loop), v4Other, nil), (socket(v4Loop, 8001), v4Loop, nil),
        (socket(v6Any, v6Only: false), v4Loop, true), (socket(v6Any, v6Only: false), v4Any, true),
        (socket(v6Any, v6Only: true), v4Any, nil), (socket(v6Any, v6Only: nil), v4Any, true),
        (socket(v6Loop), v4Any, nil), (socket(mappedLoop), v4Loop, true), (socket(mappedLoop), v4Other, nil),
        (socket(v4Loop), v6Any, true), (socket(v4Loop), v6Loop, nil), (socket(v4Loop), mappedLoop, true),
        (socket(v6Loop), v6Any, false), (socket(v6Any), v6Loop, false), (socket(v6Loop), v6Loop, false),
        (socket(v6Any, v6Only: true), mappedLoop, nil),
    ] as [(Socket, IPAddress, Bool?)])
    func overlap(socket: Socket, address: IPAddress, expected: Bool?) {
        let target = BindTarget(transport: .tcp, address: address, port: 8000)
        #expect(BindCheckResult.overlap(socket, target) == expected)
    }

    @Test("the verdict follows the test binds", arguments: [
        (BindProof(plain: .bound, reuseAddress: .bound, reusePort: .bound), BindVerdict.free),
        (BindProof(plain: .addressInUse, reuseAddress: .bound, reusePort: .addressInUse), .freeWithReuseAddress),
        (BindProof(plain: .addressInUse, reuseAddress: .addressInUse, reusePort: .bound), .freeWithReusePort),
        (BindProof(plain: .addressInUse, reuseAddress: .addressInUse, reusePort: .addressInUse), .inUse),
        (BindProof(plain: .permissionDenied, reuseAddress: .permissionDenied, reusePort: .permissionDenied), .needsPrivilege),
        (BindProof(plain: .addressNotAvailable, reuseAddress: .addressNotAvailable, reusePort: .addressNotAvailable), .addressNotAvailable),
    ])
    func verdict(proof: BindProof, expected: BindVerdict) {
        #expect(BindCheckResult.verdict(proof) == expected)
    }

    @Test("listeners sharing an address and port under another uid are a SO_REUSEPORT group")
    func reusePortGroup() {
        var first = Self.socket(Self.v4Any)
        first.uid = getuid() &+ 1
        let second = first
        let target = BindTarget(transport: .tcp, address: Self.v4Any, port: 8000)
        #expect(BindCheckResult.classify([first, second], target: target, autobound: [], uid: getuid()).map(\.kind) == [.reusePortGroup])
        #expect(BindCheckResult.classify([first], target: target, autobound: [], uid: getuid()).map(\.kind) == [.listener])
        var established = Self.socket(Self.v4Loop, state: .established)
        established.cookie = 7
        #expect(BindCheckResult.classify([established], target: target, autobound: [7], uid: getuid()).map(\.kind) == [.ephemeralPort])
        #expect(BindCheckResult.classify([established], target: target, autobound: [], uid: getuid()).map(\.kind) == [.connection])
    }

    @Test("targets parse as [ADDRESS:]PORT", arguments: [
        ("8000", "tcp 0.0.0.0:8000"), ("127.0.0.1:8000", "tcp 127.0.0.1:8000"), ("[::]:443", "tcp [::]:443"),
        ("[::1]:1", "tcp [::1]:1"), ("*:65535", "tcp 0.0.0.0:65535"),
    ])
    func targets(text: String, description: String) throws {
        #expect(try BindTarget(parsing: text, transport: .tcp).description == description)
    }

    @Test("bad targets are rejected", arguments: ["0", "65536", "x", ":", "1.2.3:80", "::1:80", "[::1]", "[::1]80", ""])
    func badTargets(text: String) {
        #expect(throws: FilterSyntaxError.self) { try BindTarget(parsing: text, transport: .tcp) }
    }
}
