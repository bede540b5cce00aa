/// A recorded sock_diag dump (`ss -D FILE`, `sockdiag -D FILE`), read back so that it can be listed as if the kernel
/// were answering: the raw netlink reply datagrams of one or more dump requests, each dump ending with its
/// `NLMSG_DONE` (or `NLMSG_ERROR`).
///
/// The format is ss's: `ss -D` writes the replies of its TCP dump, IPv4 then IPv6, nothing else. sockdiag's own
/// captures add, after each dump's `NLMSG_DONE`, the request that dump answered (``DumpCapture/Request``: a netlink
/// message with `NLM_F_REQUEST` set, which no reply has), so that one file can hold several protocols and families;
/// the TCP dump comes first and ss, which stops reading at the first `NLMSG_DONE`, reads it as its own. A dump with
/// no request after it is TCP over both families, as ss's reader assumes.
///
/// Thread safety: a capture is an immutable value (`Sendable`).
public struct DumpCapture: Sendable {
    /// One dump of the capture: its replies, and what its request asked for.
    public struct Dump: Sendable, Hashable {
        /// What the request asked for (for a dump without its request, as ss writes them: TCP, both families).
        public var request: Request
        /// Whether the request was recorded after the dump (sockdiag's captures) rather than assumed (ss's).
        public var requestRecorded: Bool
        /// Where the dump's messages are in ``DumpCapture/bytes``, through its `NLMSG_DONE` or `NLMSG_ERROR`.
        public var range: Range<Int>
    }

    /// The whole capture.
    public let bytes: [UInt8]
    /// Its dumps, in file order.
    public let dumps: [Dump]

    /// Splits `bytes` into dumps, checking that they are whole netlink messages, that every dump ends with
    /// `NLMSG_DONE` or `NLMSG_ERROR`, and that every recorded request follows a dump. The replies themselves are
    /// decoded only when listed.
    /// - Throws: ``SockDiagError`` with code `malformedMessage`, saying what is wrong and at which byte.
    public init(bytes: [UInt8]) throws(SockDiagError) {
        var dumps: [Dump] = []
        var failure: SockDiagError?
        bytes.withUnsafeBytes { raw in
            do throws(SockDiagError) {
                dumps = try Self.split(raw)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        self.bytes = bytes
        self.dumps = dumps
    }

    /// The protocols (and for UNIX sockets, `nil`) the capture holds dumps of.
    public func holds(_ transport: TransportProtocol?) -> Bool {
        dumps.contains { $0.request.transport == transport }
    }

    /// The message layout: `struct nlmsghdr`.
    static let headerLength = 16
    static let done: UInt16 = 3
    static let error: UInt16 = 2
    static let requestFlag: UInt16 = 1

    /// The dumps of `bytes`.
    private static func split(_ bytes: UnsafeRawBufferPointer) throws(SockDiagError) -> [Dump] {
        guard !bytes.isEmpty else { throw malformed("the file is empty") }
        var dumps: [Dump] = []
        var start = 0
        var offset = 0
        // Whether the last dump may still take its recorded request.
        var requestMayFollow = false
        while offset < bytes.count {
            let remaining = bytes.count - offset
            guard remaining >= headerLength else {
                throw malformed("truncated: \(remaining) bytes at byte \(offset) are not a whole netlink header")
            }
            let length = Int(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            let type = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self)
            let flags = bytes.loadUnaligned(fromByteOffset: offset + 6, as: UInt16.self)
            guard length >= headerLength else {
                throw malformed("not a netlink dump: the message at byte \(offset) claims \(length) bytes")
            }
            guard length <= remaining else {
                throw malformed("truncated: the message at byte \(offset) needs \(length) bytes, \(remaining) remain")
            }
            let next = min(offset + ((length + 3) & ~3), bytes.count)
            if flags & requestFlag != 0 {
                guard requestMayFollow, start == offset else {
                    throw malformed("the request recorded at byte \(offset) follows no complete dump")
                }
                let payload = UnsafeRawBufferPointer(rebasing: bytes[(offset + headerLength)..<(offset + length)])
                dumps[dumps.count - 1].request = try Request(recorded: payload, at: offset)
                dumps[dumps.count - 1].requestRecorded = true
                requestMayFollow = false
                start = next
            } else if type == done || type == error {
                dumps.append(Dump(request: .ssTCP, requestRecorded: false, range: start..<next))
                requestMayFollow = true
                start = next
            } else {
                requestMayFollow = false
            }
            offset = next
        }
        guard start == bytes.count else {
            throw malformed("truncated: the dump from byte \(start) ends without NLMSG_DONE")
        }
        return dumps
    }

    static func malformed(_ detail: String) -> SockDiagError {
        SockDiagError(code: .malformedMessage, operation: "read capture", message: "malformed capture: \(detail)")
    }
}
