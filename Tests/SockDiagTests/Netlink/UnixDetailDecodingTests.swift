import Testing

@testable import SockDiag

/// `UNIX_DIAG_VFS`, `UNIX_DIAG_ICONS`, `UNIX_DIAG_MEMINFO` and `UNIX_DIAG_SHUTDOWN`, and the show bits that ask for
/// them.
@Suite("UNIX_DIAG details")
struct UnixDetailDecodingTests {
    /// A `unix_diag_msg` (stream, listening, inode 7) and `attributes`.
    static func message(_ attributes: [UInt8]) -> [UInt8] {
        [1, 1, 10, 0, 7, 0, 0, 0] + [UInt8](repeating: 0, count: 8) + attributes
    }

    static func attribute(_ type: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let length = 4 + payload.count
        let padding = (4 - length % 4) % 4
        return [UInt8(length), 0, type, 0] + payload + [UInt8](repeating: 0, count: padding)
    }

    static func words(_ values: [UInt32]) -> [UInt8] {
        values.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    }

    static func parse(_ bytes: [UInt8]) throws -> UnixSocket {
        try bytes.withUnsafeBytes { try UnixDiagParser.parse($0) }
    }

    @Test("file, pending peers, memory and shutdown decode; without them they stay nil")
    func details() throws {
        let bytes = Self.message(
            Self.attribute(1, Self.words([16_245_937, 254 << 20 | 3]))
                + Self.attribute(3, Self.words([11, 12]))
                + Self.attribute(5, Self.words([1, 212_992, 768, 212_992, 0, 0, 0, 0, 4]))
                + Self.attribute(6, [2])
        )
        let socket = try Self.parse(bytes)
        #expect(socket.file == UnixSocketFile(inode: 16_245_937, device: 254 << 20 | 3))
        #expect(socket.file?.major == 254 && socket.file?.minor == 3)
        #expect(socket.pendingPeers == [11, 12])
        #expect(socket.memory?.sendAllocated == 768 && socket.memory?.drops == 4)
        #expect(socket.shutdown == .send)
        let plain = try Self.parse(Self.message([]))
        #expect(plain.file == nil && plain.pendingPeers == nil && plain.memory == nil && plain.shutdown == nil)
        // An idle listener's queue is an empty attribute: an empty list, not nil.
        #expect(try Self.parse(Self.message(Self.attribute(3, []))).pendingPeers == [])
    }

    @Test("details of the wrong size are malformedMessage")
    func wrongSizes() {
        for attribute in [
            Self.attribute(1, Self.words([1])), Self.attribute(3, [1, 2, 3]), Self.attribute(5, Self.words([1, 2])),
            Self.attribute(6, []),
        ] {
            #expect(throws: SockDiagError.self) { try Self.parse(Self.message(attribute)) }
        }
    }

    @Test("the query asks only for what its details need")
    func showBits() {
        #expect(UnixSocketQuery().show == 0x15)
        #expect(UnixSocketQuery(details: .file).show == 0x15 | 0x02 | 0x08)
        #expect(UnixSocketQuery(details: .memory).show == 0x15 | 0x20)
    }
}
