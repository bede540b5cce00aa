import SockDiagTestSupport
import Testing

@testable import SockDiag

/// ``DumpCapture`` on bytes: ss's captures (the real `ss -D` fixture), sockdiag's own (dumps each followed by its
/// request), and broken files, which must be refused with `malformedMessage`, never crash or hang.
struct DumpCaptureTests {
    /// A capture in sockdiag's layout made of the fixtures: TCP (IPv4), UDP (IPv4), UNIX, each with its request.
    static func sockdiagCapture() throws -> [UInt8] {
        let tcp = DumpCapture.Request(transport: .tcp, family: .inet, states: .all, extensions: [])
        let udp = DumpCapture.Request(transport: .udp, family: .inet, states: .all, extensions: [])
        let unix = DumpCapture.Request(transport: nil, family: nil, states: .all, extensions: nil)
        return try Fixtures.bytes("tcp4-all.bin") + tcp.message + Fixtures.bytes("udp4-all.bin") + udp.message
            + Fixtures.bytes("unix-all.bin") + unix.message
    }

    static func sockets(_ capture: DumpCapture, _ query: SocketQuery) throws -> [Socket] {
        var sockets: [Socket] = []
        try capture.forEachSocket(matching: query) { sockets.append($0) }
        return sockets
    }

    @Test("ss -D's capture: two TCP dumps (IPv4, IPv6) without requests; -4 gives the sockets ss's replay shows")
    func ssCapture() throws {
        let capture = try DumpCapture(bytes: Fixtures.bytes("ss-D-tcp.bin"))
        #expect(capture.dumps.count == 2)
        #expect(capture.dumps.allSatisfy { $0.request == .ssTCP && !$0.requestRecorded })
        let inet = try Self.sockets(capture, SocketQuery(protocols: [.tcp], families: [.inet], states: .all))
        let ssRows = try Fixtures.text("ss-D-tcp.ss-tanoemiH.txt").split(separator: "\n").filter { !$0.hasPrefix("\t") }
        #expect(inet.count == ssRows.count)
        #expect(inet.allSatisfy { $0.family == .inet })
        let both = try Self.sockets(capture, SocketQuery(protocols: [.tcp], states: .all))
        #expect(both.contains { $0.family == .inet6 })
        #expect(try Self.sockets(capture, SocketQuery(protocols: [.udp], states: .all)).isEmpty)
    }

    @Test("sockdiag's capture: each dump answers its own request; states, families and the filter apply in Swift")
    func sockdiagCaptureReplays() throws {
        let capture = try DumpCapture(bytes: Self.sockdiagCapture())
        #expect(capture.dumps.map(\.request.transport) == [.tcp, .udp, nil])
        #expect(capture.holds(.udp) && capture.holds(nil) && !capture.holds(.raw))
        let tcp = try Fixtures.decode(Fixtures.bytes("tcp4-all.bin"), transport: .tcp)
        let udp = try Fixtures.decode(Fixtures.bytes("udp4-all.bin"), transport: .udp)
        let all = try Self.sockets(capture, SocketQuery(states: .all))
        #expect(all == udp + tcp)
        let listening = try Self.sockets(capture, SocketQuery(protocols: [.tcp], states: .listening))
        #expect(listening == tcp.filter { $0.state == .listen })
        let filter = try FilterParser.parse(["sport = :8000"]).expression
        let filtered = try Self.sockets(capture, SocketQuery(states: .all, filter: filter))
        #expect(!filtered.isEmpty && filtered == (udp + tcp).filter { $0.local.port == 8000 })
        #expect(try Self.sockets(capture, SocketQuery(families: [.inet6], states: .all)).isEmpty)
        var unix: [UnixSocket] = []
        try capture.forEachUnixSocket(matching: UnixSocketQuery(states: .all)) { unix.append($0) }
        #expect(unix == (try Fixtures.decodeUnix(Fixtures.bytes("unix-all.bin"))))
    }

    @Test("autobound cannot be answered from a capture: unsupportedFilter, not a wrong answer")
    func autobound() throws {
        let capture = try DumpCapture(bytes: Self.sockdiagCapture())
        let query = SocketQuery(states: .all, filter: try FilterParser.parse(["autobound"]).expression)
        #expect(throws: SockDiagError.self) { try capture.forEachSocket(matching: query) { _ in } }
    }

    @Test("every truncation of a capture is refused as malformed (or is a whole dump boundary), never a crash")
    func truncations() throws {
        let bytes = try Self.sockdiagCapture()
        let whole = try DumpCapture(bytes: bytes)
        // A prefix is whole when it ends after a dump's NLMSG_DONE or after the request recorded behind it.
        let ends = Set(whole.dumps.flatMap { [$0.range.upperBound, $0.range.upperBound + $0.request.message.count] })
        for length in 0..<bytes.count {
            do {
                _ = try DumpCapture(bytes: Array(bytes[..<length]))
                #expect(ends.contains(length), "length \(length) accepted")
            } catch {
                #expect(error.code == .malformedMessage)
            }
        }
    }

    @Test(
        "broken files are one clear error",
        arguments: [
            ([], "empty"),
            ([1, 2], "not a whole netlink header"),
            ([0xFF, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 0, count: 12), "needs 4294967295 bytes"),
            ([8, 0, 0, 0] + [UInt8](repeating: 0, count: 12), "claims 8 bytes"),
            (DumpCapture.Request.ssTCP.message, "follows no complete dump"),
        ] as [([UInt8], String)]
    )
    func broken(bytes: [UInt8], words: String) {
        do {
            _ = try DumpCapture(bytes: bytes)
            Issue.record("accepted")
        } catch {
            #expect(error.code == .malformedMessage)
            #expect(error.message.contains(words), "\(error.message)")
        }
    }

    @Test("a dump without NLMSG_DONE at the end of the file is truncated")
    func missingDone() throws {
        let bytes = try Fixtures.bytes("tcp4-all.bin")
        let done = 20  // NLMSG_DONE: header and an int
        #expect(throws: SockDiagError.self) { try DumpCapture(bytes: Array(bytes.dropLast(done))) }
    }

    @Test("garbled replies inside well-framed dumps are decoding errors, never a crash")
    func garbled() throws {
        let bytes = try Self.sockdiagCapture()
        var generator = SeededGenerator(seed: 13)
        for _ in 0..<300 {
            var copy = bytes
            for _ in 0..<4 {
                let index = Int.random(in: 0..<copy.count, using: &generator)
                copy[index] = UInt8.random(in: 0...255, using: &generator)
            }
            guard let capture = try? DumpCapture(bytes: copy) else { continue }
            _ = try? capture.forEachSocket(matching: SocketQuery(states: .all)) { _ in }
            _ = try? capture.forEachUnixSocket(matching: UnixSocketQuery(states: .all)) { _ in }
        }
    }
}
