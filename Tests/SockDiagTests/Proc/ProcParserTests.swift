import Foundation
import SockDiagTestSupport
import Testing

@testable import SockDiag

/// What /proc and ss both show of `sockets`: a listener's Send-Q is the backlog in ss and 0 in /proc.
private func procRows(_ sockets: [Socket]) -> [SocketRow] {
    sockets.map { SocketRow($0, queues: true).withoutListenerSendQueue }
}

extension ProcFixtures {
    /// What decoding gives: the sockets, or the error's code.
    static func outcome(
        _ bytes: [UInt8],
        transport: TransportProtocol,
        family: AddressFamily
    ) -> Result<
        [Socket], SockDiagError
    > {
        do {
            return .success(try decode(bytes, transport: transport, family: family))
        } catch let error as SockDiagError {
            return .failure(error)
        } catch {
            Issue.record("unexpected error type \(error)")
            return .failure(SockDiagError(code: .ioFailed, operation: "test", message: "\(error)"))
        }
    }
}

@Suite("Parsing /proc/net socket tables")
struct ProcParserTests {
    @Test("the four captured tables give exactly the sockets ss printed at the same moment")
    func matchesSS() throws {
        let parsed = try procRows(ProcFixtures.all()).sorted()
        let printed = try SocketRows.parseTable(Fixtures.text("proc/ss-tuanH.txt"), queues: true)
            .map { $0.wildcardAsAny.withoutListenerSendQueue }.sorted()
        #expect(printed.count == 17)
        #expect(parsed == printed)
    }

    @Test("every socket is stamped with its file's protocol and family; /proc lacks cookie, interface and v6only")
    func provenance() throws {
        for table in ProcFixtures.tables {
            let sockets = try ProcFixtures.decode(table.name)
            #expect(!sockets.isEmpty)
            for socket in sockets {
                #expect(socket.transport == table.transport)
                #expect(socket.family == table.family)
                #expect(socket.cookie == 0 && socket.interfaceIndex == 0 && socket.v6Only == nil)
                switch (socket.family, socket.local.address) {
                case (.inet, .v4), (.inet6, .v6): break
                default: Issue.record("address of the wrong family in \(table.name): \(socket)")
                }
            }
        }
    }

    @Test("TIME_WAIT rows: no inode, uid or queues; timewait timer under 60 s")
    func timeWait() throws {
        let timeWait = try ProcFixtures.decode("tcp").filter { $0.state == .timeWait }
        #expect(timeWait.count == 2)
        for socket in timeWait {
            #expect(socket.local == Endpoint(address: .v4(.loopback), port: 8000))
            #expect(socket.inode == 0)
            #expect(socket.uid == 0)
            #expect(socket.receiveQueue == 0 && socket.sendQueue == 0)
            #expect(socket.timer.kind == .timeWait)
            #expect((0...60_000).contains(socket.timer.expiresMilliseconds))
            #expect(socket.timer.expiresMilliseconds % 10 == 0)  // whole ticks at HZ 100
        }
    }

    @Test("addresses: 0100007F is 127.0.0.1, ::1, and IPv4-mapped peers of the dual-stack listener")
    func addresses() throws {
        let tcp4 = try ProcFixtures.decode("tcp")
        let listener4 = try #require(tcp4.first { $0.state == .listen })
        #expect(listener4.local == Endpoint(address: .v4(.loopback), port: 8000))
        #expect(listener4.peer == Endpoint(address: .v4(.any), port: 0))

        let tcp6 = try ProcFixtures.decode("tcp6")
        let v6only = try #require(tcp6.first { $0.state == .listen && $0.local.port == 8001 })
        #expect(v6only.local.address == .v6(.loopback))
        let dual = try #require(tcp6.first { $0.state == .listen && $0.local.port == 8002 })
        #expect(dual.local.address == .v6(.any))

        let mapped = try #require(tcp6.first { $0.state == .established && $0.local.port == 8002 })
        guard case .v6(let local) = mapped.local.address, case .v6(let peer) = mapped.peer.address else {
            Issue.record("expected IPv6 addresses: \(mapped)")
            return
        }
        #expect(local.isIPv4Mapped && peer.isIPv4Mapped)
        #expect(local.ipv4Mapped == .loopback)
        #expect(local.description == "::ffff:127.0.0.1")
        #expect(local == IPv6Address(high: 0, low: 0xFFFF_7F00_0001))
        // The client is the IPv4 socket on the other end.
        let client = try #require(tcp4.first { $0.peer.port == 8002 })
        #expect(client.local.port == mapped.peer.port)
    }

    @Test("queues, timers and inodes as the kernel wrote them")
    func fields() throws {
        let tcp4 = try ProcFixtures.decode("tcp")
        // SO_KEEPALIVE client: `02:000AFC5B`, 719963 ticks at HZ 100.
        let keepalive = try #require(tcp4.first { $0.timer.kind == .keepalive })
        #expect(keepalive.peer.port == 8000)
        #expect(keepalive.timer.expiresMilliseconds == 7_199_630)
        #expect(keepalive.timer.retransmits == 0)
        #expect(keepalive.inode == 86417)
        let server = try #require(tcp4.first { $0.state == .established && $0.local.port == 8000 })
        #expect(server.receiveQueue == 5)
        #expect(server.timer == .off)

        let tcp6 = try ProcFixtures.decode("tcp6")
        // A listener's rx_queue is its accept queue; /proc has no backlog, so tx_queue is 0.
        let backlogged = try #require(tcp6.first { $0.state == .listen && $0.local.port == 8001 })
        #expect(backlogged.receiveQueue == 1)
        #expect(backlogged.sendQueue == 0)
        // The connection still in the accept queue has no struct socket, hence no inode.
        #expect(tcp6.filter { $0.state == .established && $0.inode == 0 }.count == 1)

        let udp4 = try ProcFixtures.decode("udp")
        #expect(udp4.map(\.state) == [.closed, .established])
        #expect(udp4[0].receiveQueue == 0x340)
        #expect(udp4[1].peer == Endpoint(address: .v4(.loopback), port: 5353))
        #expect(try ProcFixtures.decode("udp6").map(\.local.port) == [5353, 5354])
    }

    @Test(
        "every truncation parses the complete lines before it or throws malformedMessage",
        arguments: [
            "tcp", "tcp6", "udp", "udp6",
        ]
    )
    func everyTruncation(name: String) throws {
        let table = try #require(ProcFixtures.tables.first { $0.name == name })
        let bytes = try ProcFixtures.bytes(name)
        let whole = try ProcFixtures.decode(bytes, transport: table.transport, family: table.family)
        for length in 0...bytes.count {
            let prefix = Array(bytes[..<length])
            let outcome = ProcFixtures.outcome(prefix, transport: table.transport, family: table.family)
            if length == 0 || prefix.last == UInt8(ascii: "\n") {
                let lines = prefix.count { $0 == UInt8(ascii: "\n") }
                #expect(try outcome.get() == Array(whole.prefix(max(lines - 1, 0))), "cut at \(length)")
            } else {
                guard case .failure(let error) = outcome else {
                    Issue.record("cut at \(length) inside a line parsed")
                    continue
                }
                #expect(error.code == .malformedMessage, "cut at \(length)")
            }
        }
    }

    @Test("a corrupted character in any of the first ten fields throws, naming the file and line")
    func corruptedDigit() throws {
        let bytes = try ProcFixtures.bytes("tcp6")
        let lineStart = try #require(bytes.firstIndex(of: UInt8(ascii: "\n"))) + 1
        let lineEnd = try #require(bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")))
        // Positions of the characters of `sl` through `inode`.
        var positions: [Int] = []
        var field = 0
        var inField = false
        for index in lineStart..<lineEnd {
            if bytes[index] == UInt8(ascii: " ") {
                inField = false
                continue
            }
            if !inField {
                inField = true
                field += 1
            }
            if field > 10 { break }
            if bytes[index] != UInt8(ascii: ":") { positions.append(index) }
        }
        #expect(positions.count > 100)
        for position in positions {
            var corrupted = bytes
            corrupted[position] = UInt8(ascii: "g")
            switch ProcFixtures.outcome(corrupted, transport: .tcp, family: .inet6) {
            case .success:
                Issue.record("corruption at byte \(position) went unnoticed")
            case .failure(let error):
                #expect(error.code == .malformedMessage)
                #expect(error.message.contains("captured tcp6 table, line 2, column"), "\(error.message)")
            }
        }
        // Past `inode` the fields differ by socket kind and are ignored.
        var tail = bytes
        tail[lineEnd - 1] = UInt8(ascii: "g")
        #expect(throws: Never.self) { try ProcFixtures.decode(tail, transport: .tcp, family: .inet6) }
    }

    /// (what is wrong, the line).
    static let malformedLines: [(String, String)] = [
        ("9 fields", "   0: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0"),
        ("empty line", ""),
        ("truncated", "   0: 0100007F:1F40"),
        ("no colon", "   0: 0100007F1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1"),
        ("7 digits", "   0: 100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1"),
        ("uid > u32", "   0: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000 99999999999 0 1"),
        (
            "5-digit port",
            "   0: 0100007F:1F400 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1"
        ),
        ("junk inode", "   0: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1x"),
        (
            "queue separator",
            "   0: 0100007F:1F40 00000000:0000 0A 00000000-00000000 00:00000000 00000000     0        0 1"
        ),
        (
            "v6 in v4",
            "   0: 00000000000000000000000001000000:1F41 00000000:0000 0A 00000000:00000000 00:00000000 0 0 0 1"
        ),
    ]

    @Test("malformed lines are rejected, never crash", arguments: malformedLines)
    func malformedLine(problem: String, line: String) {
        let text = Array("  sl  local_address rem_address\n\(line)\n".utf8)
        guard case .failure(let error) = ProcFixtures.outcome(text, transport: .tcp, family: .inet) else {
            Issue.record("accepted (\(problem)): \(line)")
            return
        }
        #expect(error.code == .malformedMessage)
        #expect(error.message.contains("line 2"))
    }

    @Test("a file that is not a socket table is rejected at its header")
    func wrongHeader() {
        let text = Array("Inter-|   Receive\n".utf8)
        guard case .failure(let error) = ProcFixtures.outcome(text, transport: .tcp, family: .inet) else {
            Issue.record("accepted a non-table")
            return
        }
        #expect(error.code == .malformedMessage)
        #expect(error.message.contains("line 1"))
    }

    @Test("the timer count: retransmissions for `on`, unanswered probes otherwise (as ss and inet_diag), clamped")
    func timerCount() throws {
        func timer(_ fields: String) throws -> SocketTimer {
            let text = Array(
                "  sl\n   0: 0100007F:1F40 0100007F:D3D0 01 00000000:00000000 \(fields) 7 1234 0 0\n".utf8
            )
            return try #require(try ProcFixtures.decode(text, transport: .tcp, family: .inet, hz: 250).first).timer
        }
        #expect(
            try timer("01:00000019 00000003     0        0")
                == SocketTimer(kind: .on, expiresMilliseconds: 100, retransmits: 3)
        )
        #expect(
            try timer("01:00000001 000001FF     0        0")
                == SocketTimer(kind: .on, expiresMilliseconds: 4, retransmits: 255)
        )
        #expect(
            try timer("02:00000000 00000003     0        2")
                == SocketTimer(kind: .keepalive, expiresMilliseconds: 0, retransmits: 2)
        )
        #expect(
            try timer("04:0000000A 00000000     0        5")
                == SocketTimer(kind: .persist, expiresMilliseconds: 40, retransmits: 5)
        )
        #expect(try timer("00:00000000 00000000     0        0") == .off)
        // tm->when is an unsigned long: more than 8 digits is legal.
        #expect(try timer("02:1000000000 00000000     0        0").expiresMilliseconds == UInt32.max)
    }

    @Test("the other fields of a hand-written line: uid, 64-bit inode, lower-case hex, no trailing fields")
    func handWrittenLine() throws {
        let text = Array(
            "  sl\n  12: 0101A8C0:01bb 0A00000A:c350 08 0000002A:00000010 00:00000000 00000000  1000        0 4294967296\n"
                .utf8
        )
        let socket = try #require(try ProcFixtures.decode(text, transport: .tcp, family: .inet).first)
        #expect(socket.local == Endpoint(address: .v4(IPv4Address("192.168.1.1")!), port: 443))
        #expect(socket.peer == Endpoint(address: .v4(IPv4Address("10.0.0.10")!), port: 50000))
        #expect(socket.state == .closeWait)
        #expect(socket.sendQueue == 42 && socket.receiveQueue == 16)
        #expect(socket.uid == 1000)
        #expect(socket.inode == 4_294_967_296)
    }

    @Test("eight hex digits at once agree with one at a time, for every byte in every position")
    func eightHexDigits() {
        func reference(_ bytes: [UInt8]) -> UInt32? {
            var value: UInt32 = 0
            for byte in bytes {
                guard let digit = UInt32(String(UnicodeScalar(byte)), radix: 16) else { return nil }
                value = value << 4 | digit
            }
            return value
        }
        func chunk(_ bytes: [UInt8]) -> UInt64 {
            bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        }
        let samples = ["0123abCD", "FFFFFFFF", "00000000", "fedcba98", "0100007F", "9aF0e1D2"].map { Array($0.utf8) }
        for sample in samples {
            #expect(ProcLineCursor.value(ofEightHexDigits: chunk(sample)) == reference(sample))
            for position in 0..<8 {
                for byte in UInt8.min...UInt8.max {
                    var bytes = sample
                    bytes[position] = byte
                    let fast = ProcLineCursor.value(ofEightHexDigits: chunk(bytes))
                    if fast != reference(bytes) {
                        Issue.record("\(bytes): \(String(describing: fast)) != \(String(describing: reference(bytes)))")
                        return
                    }
                }
            }
        }
    }

    /// (ticks, USER_HZ, milliseconds).
    static let tickTable: [(UInt64, UInt32, UInt32)] = [
        (0, 100, 0), (1, 100, 10), (99, 100, 990), (100, 100, 1000), (6000, 100, 60_000), (719_963, 100, 7_199_630),
        (0, 250, 0), (1, 250, 4), (3, 250, 12), (250, 250, 1000), (15_000, 250, 60_000),
        (UInt64(UInt32.max), 100, UInt32.max), (UInt64.max, 250, UInt32.max),
    ]

    @Test("clock ticks to milliseconds rounds up as ss does", arguments: tickTable)
    func ticksToMilliseconds(ticks: UInt64, hz: UInt32, milliseconds: UInt32) {
        #expect(ProcParser.milliseconds(ticks: ticks, clockTicksPerSecond: hz) == milliseconds)
    }
}

@Suite("Reading /proc/net through ProcSocketReader")
struct ProcSocketReaderTests {
    /// A directory laid out like /proc, with the fixtures as its `net/` tables.
    static func fixtureRoot() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sockdiag-proc-\(UUID().uuidString)")
        let net = root.appendingPathComponent("net")
        try FileManager.default.createDirectory(at: net, withIntermediateDirectories: true)
        for table in ProcFixtures.tables {
            try FileManager.default.copyItem(
                at: Fixtures.directory.appendingPathComponent("proc/\(table.name)"),
                to: net.appendingPathComponent(table.name)
            )
        }
        return root
    }

    @Test("a root laid out like /proc reads the fixtures in query order, filtered by states and ports")
    func readsRoot() throws {
        let root = try Self.fixtureRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let reader = ProcSocketReader(procRoot: root.path)
        // The clock rate of this machine, not the fixtures', is used; the tuples do not depend on it.
        let all = try reader.sockets(matching: SocketQuery(states: .all))
        #expect(procRows(all) == (try procRows(ProcFixtures.all())))

        let listeners = try reader.sockets(matching: SocketQuery(protocols: [.tcp], states: .listen))
        #expect(listeners.map(\.local.port) == [8000, 8001, 8002])
        let ipv6Only = try reader.sockets(matching: SocketQuery(protocols: [.tcp], families: [.inet6], states: .all))
        #expect(ipv6Only.allSatisfy { $0.family == .inet6 } && ipv6Only.count == 7)
        let port = try reader.sockets(matching: SocketQuery(states: .all, ports: [PortMatch(.local, [5353])]))
        #expect(port.count == 2 && port.allSatisfy { $0.transport == .udp })
        // Default query (ss without -a): connected states only.
        #expect(try reader.sockets(matching: SocketQuery()).allSatisfy { $0.state == .established })
        // UDP is never in a TCP-only state: its files are not even opened.
        #expect(try reader.sockets(matching: SocketQuery(states: .timeWait)).count == 2)
        // /proc cannot show bound-inactive sockets.
        #expect(try reader.sockets(matching: SocketQuery(states: .boundInactive)).isEmpty)
    }

    @Test("ss filter expressions are evaluated in Swift on what the files show")
    func filterExpressions() throws {
        let root = try Self.fixtureRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let reader = ProcSocketReader(procRoot: root.path)
        func ports(_ filter: String) throws -> [UInt16] {
            let parsed = try FilterParser.parse(filter.split(separator: " ").map(String.init))
            let query = SocketQuery(states: parsed.states ?? .all, filter: parsed.expression)
            return try reader.sockets(matching: query).map(\.local.port).sorted()
        }
        #expect(try ports("sport >= :8001 and sport <= :8002") == [8001, 8001, 8001, 8002, 8002])
        // An IPv4 prefix also matches IPv4-mapped addresses of IPv6 sockets, as in the kernel.
        #expect(try ports("state established src 127.0.0.1 and dport = :8002") == [38434])
        #expect(try ports("state established src 127.0.0.0/8 and dport = :38434") == [8002])
        #expect(try ports("state listening src [::1]") == [8001])
        #expect(try ports("dst 10.0.0.0/8").isEmpty)
    }

    @Test(
        "filters on what /proc does not show are refused, not answered wrongly",
        arguments: [
            FilterExpression.device(1), .not(.mark(value: 1, mask: 1)), .cgroup(42), .autobound,
            .port(.local, 8000) || .not(.device(2)),
        ]
    )
    func unsupportedFilters(filter: FilterExpression) {
        let reader = ProcSocketReader(procRoot: "/nonexistent-sockdiag-root")
        #expect {
            try reader.sockets(matching: SocketQuery(states: .all, filter: filter))
        } throws: { error in
            (error as? SockDiagError)?.code == .unsupportedFilter
        }
    }

    @Test("lines split across read() boundaries are joined, a line longer than the buffer is an error")
    func smallBuffers() throws {
        let path = Fixtures.directory.appendingPathComponent("proc/tcp6").path
        let expected = try ProcFixtures.decode("tcp6")
        // tcp6 lines are 145 to 178 bytes: every size below splits lines at different places.
        for size in [178, 179, 200, 233, 300, 512, 4096] {
            let buffer = ProcReadBuffer(byteCount: size)
            var sockets: [Socket] = []
            try buffer.readTable(path: path, transport: .tcp, family: .inet6, clockTicksPerSecond: 100) {
                sockets.append($0)
            }
            #expect(sockets == expected, "buffer of \(size) bytes")
        }
        let tiny = ProcReadBuffer(byteCount: 64)
        #expect {
            try tiny.readTable(path: path, transport: .tcp, family: .inet6, clockTicksPerSecond: 100) { _ in }
        } throws: { error in
            (error as? SockDiagError)?.code == .malformedMessage
                && (error as? SockDiagError)?.message.contains("longer than the 64-byte read buffer") == true
        }
    }

    @Test("a root without the tables is procUnavailable, naming the path")
    func missingRoot() {
        let reader = ProcSocketReader(procRoot: "/nonexistent-sockdiag-root")
        #expect {
            try reader.sockets(matching: SocketQuery(states: .all))
        } throws: { error in
            guard let error = error as? SockDiagError else { return false }
            return error.code == .procUnavailable && error.errno == .noSuchFileOrDirectory
                && error.operation == "open /nonexistent-sockdiag-root/net/udp"
        }
    }

    @Test("an error thrown by the body stops the reading and comes back unchanged")
    func bodyError() throws {
        struct Stop: Error {}
        let root = try Self.fixtureRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let reader = ProcSocketReader(procRoot: root.path)
        var seen = 0
        #expect(throws: Stop.self) {
            try reader.forEachSocket(matching: SocketQuery(states: .all)) { _ in
                seen += 1
                if seen == 3 { throw Stop() }
            }
        }
        #expect(seen == 3)
        // The reader is usable again afterwards.
        #expect(try reader.sockets(matching: SocketQuery(states: .all)).count == 17)
    }

    @Test("the live /proc of this process parses (sockets are not counted: they come and go)")
    func liveProc() throws {
        let reader = ProcSocketReader()
        _ = try reader.sockets(matching: SocketQuery(families: [.inet], states: .all))
    }
}
