import SockDiagTestSupport
import Testing

@testable import SockDiag

/// vsock_diag and xsk_diag replies, built by hand from the uapi headers (this kernel has neither handler, so there is
/// no capture): decoding, bounds, the requests.
@Suite("vsock and XDP replies")
struct VsockXDPDecodingTests {
    /// A dump: one `SOCK_DIAG_BY_FAMILY` message per payload, then `NLMSG_DONE`.
    static func dump(_ payloads: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = []
        func message(type: UInt16, _ payload: [UInt8]) {
            let length = UInt32(16 + payload.count)
            withUnsafeBytes(of: length) { bytes += $0 }
            withUnsafeBytes(of: type) { bytes += $0 }
            bytes += [2, 0, 1, 0, 0, 0, 0, 0, 0, 0] + payload
            bytes += [UInt8](repeating: 0, count: (4 - payload.count % 4) % 4)
        }
        for payload in payloads { message(type: 20, payload) }
        message(type: 3, [0, 0, 0, 0])
        return bytes
    }

    static func words(_ values: [UInt32]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value) { Array($0) } }
    }

    /// A connected stream socket 3:1234 → 2:5678 (ESTABLISHED), inode 99.
    static let vsockStream: [UInt8] = [40, 1, 1, 0] + words([3, 1234, 2, 5678, 99, 0xBEEF, 0])
    /// A listening datagram socket on any cid, port 80.
    static let vsockListener: [UInt8] = [40, 2, 10, 0] + words([UInt32.max, 80, UInt32.max, UInt32.max, 100, 1, 0])
    /// An XDP socket bound to interface 1, queue 3, uid 1000, 512 bytes queued.
    static let xdpBound: [UInt8] =
        [44, 3, 0, 0] + words([7, 0x42, 0])
        + [12, 0, 1, 0] + words([1, 3]) + [8, 0, 2, 0] + words([1000]) + [16, 0, 8, 0] + words([512, 0, 0])

    static func decodeVsock(_ bytes: [UInt8]) throws -> [VsockSocket] {
        var sockets: [VsockSocket] = []
        try bytes.withUnsafeBytes { raw in try SocketInspector.decode(capturedVsockDump: raw) { sockets.append($0) } }
        return sockets
    }

    static func decodeXDP(_ bytes: [UInt8]) throws -> [XDPSocket] {
        var sockets: [XDPSocket] = []
        try bytes.withUnsafeBytes { raw in try SocketInspector.decode(capturedXDPDump: raw) { sockets.append($0) } }
        return sockets
    }

    @Test("vsock: type, state, both ends, inode, cookie")
    func vsock() throws {
        let sockets = try Self.decodeVsock(Self.dump([Self.vsockStream, Self.vsockListener]))
        #expect(
            sockets == [
                VsockSocket(
                    type: 1,
                    state: .established,
                    localCID: 3,
                    localPort: 1234,
                    peerCID: 2,
                    peerPort: 5678,
                    inode: 99,
                    cookie: 0xBEEF
                ),
                VsockSocket(
                    type: 2,
                    state: .listen,
                    localCID: .max,
                    localPort: 80,
                    peerCID: .max,
                    peerPort: .max,
                    inode: 100,
                    cookie: 1
                ),
            ]
        )
    }

    @Test("XDP: interface, queue, uid, queued bytes; an unbound socket has none")
    func xdp() throws {
        let unbound: [UInt8] = [44, 3, 0, 0] + Self.words([8, 0, 0])
        let sockets = try Self.decodeXDP(Self.dump([Self.xdpBound, unbound]))
        #expect(
            sockets == [
                XDPSocket(interfaceIndex: 1, queueID: 3, uid: 1000, inode: 7, cookie: 0x42, receiveQueue: 512),
                XDPSocket(inode: 8),
            ]
        )
    }

    @Test("every truncation is malformedMessage; short messages, other families and short attributes are refused")
    func malformed() throws {
        for (bytes, decode) in [
            (Self.dump([Self.vsockStream]), { (bytes: [UInt8]) in _ = try Self.decodeVsock(bytes) }),
            (Self.dump([Self.xdpBound]), { (bytes: [UInt8]) in _ = try Self.decodeXDP(bytes) }),
        ] {
            for length in 0..<bytes.count {
                do {
                    try decode(Array(bytes[..<length]))
                    Issue.record("cut at \(length) decoded")
                } catch let error as SockDiagError {
                    #expect(error.code == .malformedMessage, "cut at \(length)")
                }
            }
        }
        #expect(throws: SockDiagError.self) { try Self.decodeVsock(Self.dump([Array(Self.vsockStream.dropLast(4))])) }
        #expect(throws: SockDiagError.self) { try Self.decodeVsock(Self.dump([[16] + Self.vsockStream.dropFirst()])) }
        let shortInfo: [UInt8] = [44, 3, 0, 0] + Self.words([7, 0, 0]) + [8, 0, 1, 0] + Self.words([1])
        #expect(throws: SockDiagError.self) { try Self.decodeXDP(Self.dump([shortInfo])) }
    }

    @Test("the requests: vsock_diag_req with the states, xdp_diag_req with INFO and MEMINFO")
    func requests() {
        var buffer = [UInt8](repeating: 0xAA, count: 64)
        let length = buffer.withUnsafeMutableBytes {
            FamilyDumpRequest.vsock(states: .ssDefault).write(sequence: 1, to: $0)
        }
        #expect(length == 16 + 24)
        #expect(Array(buffer[16..<20]) == [40, 0, 0, 0])
        #expect(Array(buffer[20..<24]) == Self.words([StateSet.ssDefault.intersection(.all).rawValue]))
        #expect(buffer[24..<length].allSatisfy { $0 == 0 })
        let xdpLength = buffer.withUnsafeMutableBytes { FamilyDumpRequest.xdp.write(sequence: 1, to: $0) }
        #expect(Array(buffer[16..<xdpLength]) == [44, 0, 0, 0] + Self.words([0, 9, 0, 0]))
    }
}
