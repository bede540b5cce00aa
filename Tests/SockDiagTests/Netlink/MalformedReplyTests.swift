import SockDiagTestSupport
import Testing

@testable import SockDiag

@Suite("Malformed, truncated and error replies")
struct MalformedReplyTests {
    /// Decodes, returning the error code or nil on success.
    func outcome(_ bytes: [UInt8], transport: TransportProtocol = .tcp) -> SockDiagError.Code? {
        Self.errorCode { _ = try Fixtures.decode(bytes, transport: transport) }
    }

    /// The code of the ``SockDiagError`` `body` throws, or nil when it returns.
    static func errorCode(_ body: () throws -> Void) -> SockDiagError.Code? {
        do {
            try body()
            return nil
        } catch let error as SockDiagError {
            return error.code
        } catch {
            Issue.record("unexpected error type \(error)")
            return nil
        }
    }

    @Test("every truncation of a capture is an error, never a crash or a silent partial answer")
    func everyTruncation() throws {
        let bytes = try Fixtures.bytes("tcp6-all.bin")
        for length in 0..<bytes.count {
            #expect(outcome(Array(bytes[..<length])) == .malformedMessage, "cut at \(length)")
        }
        #expect(outcome(bytes) == nil)
    }

    @Test("an attribute whose length runs past its message is rejected")
    func attributeOverrun() throws {
        var bytes = try Fixtures.bytes("tcp6-all.bin")
        // First message: nlmsghdr (16) + inet_diag_msg (72), then the first attribute's length.
        let messageLength = Int(bytes[0]) | Int(bytes[1]) << 8
        #expect(messageLength > 16 + 72 + 4)
        bytes[16 + 72] = 0xFF
        bytes[16 + 72 + 1] = 0x0F
        #expect(outcome(bytes) == .malformedMessage)
    }

    @Test("a message shorter than an inet_diag_msg is rejected")
    func shortMessage() {
        var message = Netlink.header(length: 16 + 40, type: 20)
        message += [UInt8](repeating: 0, count: 40)
        #expect(outcome(message + Netlink.done()) == .malformedMessage)
    }

    @Test("an unknown address family is rejected")
    func unknownFamily() throws {
        var bytes = try Fixtures.bytes("tcp4-all.bin")
        bytes[16] = 99
        #expect(outcome(bytes) == .malformedMessage)
    }

    @Test("NLMSG_ERROR carries the kernel's errno", arguments: [
        (Errno.noSuchFileOrDirectory, SockDiagError.Code.moduleNotLoaded),
        (Errno.notPermitted, .permissionDenied),
        (Errno.invalidArgument, .requestRejected),
    ])
    func errorReply(errno: Errno, code: SockDiagError.Code) {
        #expect(outcome(Netlink.error(errno.rawValue)) == code)
    }

    @Test("the missing-module error tells what to load")
    func moduleMessage() {
        let error = SockDiagError.fromErrno(.noSuchFileOrDirectory, operation: "udp/inet6 dump")
        #expect(error.description.contains("modprobe inet_diag tcp_diag udp_diag"))
    }

    @Test("NLM_F_DUMP_INTR is reported as an interrupted dump")
    func dumpInterrupted() throws {
        var bytes = try Fixtures.bytes("udp4-all.bin")
        bytes[6] |= 0x10  // nlmsg_flags |= NLM_F_DUMP_INTR
        #expect(outcome(bytes, transport: .udp) == .dumpInterrupted)
    }
}

/// Builders for hand-made netlink messages (host byte order).
enum Netlink {
    static func header(length: Int, type: UInt16, flags: UInt16 = 2) -> [UInt8] {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt32(length)) { bytes += $0 }
        withUnsafeBytes(of: type) { bytes += $0 }
        withUnsafeBytes(of: flags) { bytes += $0 }
        bytes += [UInt8](repeating: 0, count: 8)  // seq, pid
        return bytes
    }

    static func done() -> [UInt8] {
        header(length: 20, type: 3) + [0, 0, 0, 0]
    }

    static func error(_ errno: Int32) -> [UInt8] {
        var bytes = header(length: 16 + 4 + 16, type: 2)
        withUnsafeBytes(of: -errno) { bytes += $0 }
        bytes += header(length: 16, type: 20)
        return bytes
    }
}
