import SockDiagTestSupport
import Testing

@testable import SockDiag

/// Message lengths a captured file can carry and a kernel never sends: libmnl 1.0.4's `mnl_nlmsg_ok()` casts
/// `nlmsg_len` to `int`, so lengths of 2^31 and more once sent its walk gigabytes ahead (SIGSEGV).
@Suite("Netlink message lengths in captured dumps")
struct MessageLengthTests {
    /// A header of `length` in the first four bytes, then zeros up to `size` bytes.
    static func header(length: UInt32, size: Int = 16) -> [UInt8] {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: length) { bytes += $0 }
        return bytes + [UInt8](repeating: 0, count: max(0, size - 4))
    }

    static let malformed: [(String, [UInt8])] = [
        ("nlmsg_len 2^31", header(length: 0x8000_0000)),
        ("nlmsg_len 2^31 + 16", header(length: 0x8000_0010)),
        ("nlmsg_len 0xFFFFFFFF", header(length: 0xFFFF_FFFF)),
        ("nlmsg_len 0xFFFFFFFC", header(length: 0xFFFF_FFFC)),
        ("nlmsg_len 2^31 after a DONE", Netlink.done() + header(length: 0x8000_0000)),
        ("nlmsg_len 0xFFFFFFFF after a DONE", Netlink.done() + header(length: 0xFFFF_FFFF)),
        ("nlmsg_len 15", header(length: 15)),
        ("nlmsg_len 8", header(length: 8)),
        ("nlmsg_len 0", header(length: 0)),
        ("15 bytes", header(length: 16, size: 15)),
        ("nlmsg_len 17 in 17 bytes", header(length: 17, size: 17)),
    ]

    static func code(_ body: () throws -> Void) -> SockDiagError.Code? {
        MalformedReplyTests.errorCode(body)
    }

    @Test("decode(capturedDump:) calls them malformed", arguments: malformed)
    func inet(name: String, bytes: [UInt8]) {
        let result = Self.code {
            try bytes.withUnsafeBytes { raw in
                try SocketInspector.decode(capturedDump: raw, transport: .tcp) { _ in }
            }
        }
        #expect(result == .malformedMessage, "\(name)")
    }

    @Test("decode(capturedUnixDump:) calls them malformed", arguments: malformed)
    func unix(name: String, bytes: [UInt8]) {
        let result = Self.code {
            try bytes.withUnsafeBytes { raw in
                try SocketInspector.decode(capturedUnixDump: raw) { _ in }
            }
        }
        #expect(result == .malformedMessage, "\(name)")
    }

    @Test("a real capture whose NLMSG_DONE claims 2^31 bytes is malformed")
    func hugeDone() throws {
        var bytes = try Fixtures.bytes("tcp4-all.bin")
        let done = bytes.count - 20
        #expect(bytes[done + 4] == 3)  // NLMSG_DONE
        bytes[done + 3] = 0x80
        #expect(Self.code { _ = try Fixtures.decode(bytes, transport: .tcp) } == .malformedMessage)
    }
}
