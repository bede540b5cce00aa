import SockDiagTestSupport
import Testing

@testable import SockDiag

@Suite("SOCK_DESTROY requests")
struct DestroyRequestTests {
    /// Bytes from hex text, spaces ignored.
    static func hex(_ text: String) -> [UInt8] {
        let digits = Array(text.filter { !$0.isWhitespace })
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
    }

    @Test("an IPv4 TCP connection: header, family, protocol, state bit, ports and addresses in network order, cookie")
    func tcp4() {
        let socket = Socket(
            transport: .tcp,
            family: .inet,
            state: .established,
            local: Endpoint(address: .v4(.loopback), port: 8000),
            peer: Endpoint(address: .v4(IPv4Address("10.1.2.3")!), port: 40000),
            cookie: 0x0000_0001_0000_2A2B
        )
        let expected = Self.hex(
            """
            48000000 1500 0500 07000000 00000000
            02 06 00 00 02000000
            1f40 9c40 7f000001 00000000 00000000 00000000 0a010203 00000000 00000000 00000000
            00000000 2b2a0000 01000000
            """
        )
        #expect(DestroyRequest.bytes(for: socket, sequence: 7) == expected)
    }

    @Test("an IPv6 raw socket: the raw protocol in the pad byte; a link-local address with its interface")
    func raw6() {
        let socket = Socket(
            transport: .raw,
            family: .inet6,
            state: .closed,
            local: Endpoint(address: .v6(IPv6Address(high: 0xFE80_0000_0000_0000, low: 1, scopeID: 3)), port: 58),
            peer: Endpoint(address: .v6(.any), port: 0),
            cookie: 0xFFFF_FFFF_FFFF_FFFE,
            interfaceIndex: 3
        )
        let expected = Self.hex(
            """
            48000000 1500 0500 ffffffff 00000000
            0a ff 00 3a 80000000
            003a 0000 fe800000 00000000 00000000 00000001 00000000 00000000 00000000 00000000
            03000000 feffffff ffffffff
            """
        )
        #expect(DestroyRequest.bytes(for: socket, sequence: UInt32.max) == expected)
    }

    @Test("the request names each captured socket with the very inet_diag_sockid its reply carried")
    func sameIDAsReply() throws {
        for (name, transport) in [("tcp4-all.bin", TransportProtocol.tcp), ("tcp6-all.bin", .tcp), ("udp6-all.bin", .udp)] {
            var checked = 0
            try Fixtures.bytes(name).withUnsafeBytes { bytes in
                var reuse: SocketDetails.Storage?
                try runCapturedDump(bytes, operation: "decode") { payload in
                    let socket = try InetDiagParser.parse(
                        payload,
                        transport: transport,
                        boundInactiveRequested: false,
                        reuse: &reuse
                    )
                    let request = DestroyRequest.bytes(for: socket, sequence: 1)
                    #expect(request.count == 72)
                    #expect(Array(request[24..<72]) == Array(payload[4..<52]), "\(name): \(socket.local)")
                    #expect(request[16] == payload[0])
                    #expect(request[17] == transport.rawValue)
                    checked += 1
                }
            }
            #expect(checked > 0, "\(name)")
        }
    }

    @Test("the kernel's answers become outcomes")
    func outcomes() {
        #expect(DestroyOutcome(answer: nil) == .destroyed)
        #expect(DestroyOutcome(answer: .noSuchFileOrDirectory) == .alreadyGone)
        #expect(DestroyOutcome(answer: .notPermitted) == .notPermitted)
        #expect(DestroyOutcome(answer: .permissionDenied) == .notPermitted)
        #expect(DestroyOutcome(answer: Errno(rawValue: 95)) == .notSupported)  // EOPNOTSUPP
        #expect(DestroyOutcome(answer: .invalidArgument) == .failed(.invalidArgument))
    }

    @Test("a buffer too small gets no request")
    func tooSmall() {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 71, alignment: 8)
        defer { buffer.deallocate() }
        #expect(DestroyRequest.write(Fixtures.icmpSocket, sequence: 1, to: buffer) == 0)
    }
}
