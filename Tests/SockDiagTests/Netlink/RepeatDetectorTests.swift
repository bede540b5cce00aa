import SockDiagTestSupport
import Testing

@testable import SockDiag

/// The cookie set behind ``SocketQuery/detectRepeats``, fed captured dumps: the kernel's repeats (a dump resumed
/// inside a hash bucket that changed) are made here by sending one message of a capture twice.
@Suite("Repeated sockets in one dump")
struct RepeatDetectorTests {
    /// How many replies of `bytes` the detector calls repeats.
    func repeats(in bytes: [UInt8], detector: inout RepeatDetector) throws -> Int {
        var count = 0
        try bytes.withUnsafeBytes { raw in
            try runCapturedDump(raw, operation: "test") { payload in
                if try detector.isRepeat(payload) { count += 1 }
            }
        }
        return count
    }

    /// `bytes` with its message number `index` (a whole netlink message) sent again right after itself.
    func duplicating(message index: Int, of bytes: [UInt8]) -> [UInt8] {
        // nlmsg_len's low 16 bits are enough for a capture's messages; each is padded to 4 bytes.
        func paddedLength(at offset: Int) -> Int { ((Int(bytes[offset]) | (Int(bytes[offset + 1]) << 8)) + 3) & ~3 }
        var offset = 0
        for _ in 0..<index { offset += paddedLength(at: offset) }
        let length = paddedLength(at: offset)
        let message = bytes[offset..<(offset + length)]
        return Array(bytes[..<(offset + length)]) + message + bytes[(offset + length)...]
    }

    @Test("a capture has no repeats; the same socket sent twice is one repeat, counted again in the next dump")
    func duplicatedMessage() throws {
        let bytes = try Fixtures.bytes("tcp4-all.bin")
        let sockets = try Fixtures.decode(bytes, transport: .tcp)
        #expect(sockets.count > 3)
        #expect(Set(sockets.map(\.cookie)).count == sockets.count)
        var detector = RepeatDetector()
        #expect(try repeats(in: bytes, detector: &detector) == 0)
        // Without a reset the whole capture is seen again.
        #expect(try repeats(in: bytes, detector: &detector) == sockets.count)

        let doubled = duplicating(message: 2, of: bytes)
        #expect(try Fixtures.decode(doubled, transport: .tcp).count == sockets.count + 1)
        detector.reset()
        #expect(try repeats(in: doubled, detector: &detector) == 1)
        detector.reset()
        #expect(try repeats(in: doubled, detector: &detector) == 1)
    }

    @Test("a reply too short for an inet_diag_msg is malformed, not a repeat")
    func shortReply() throws {
        var detector = RepeatDetector()
        #expect(throws: SockDiagError.self) {
            _ = try [UInt8](repeating: 0, count: 40).withUnsafeBytes { try detector.isRepeat($0) }
        }
    }
}
