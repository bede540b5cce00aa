import SockDiagTestSupport
import Testing

@testable import SockDiag

@Suite("Filters compiled to inet_diag bytecode")
struct BytecodeCompilerTests {
    func compile(_ text: String) throws -> [UInt8] {
        let parsed = try FilterParser.parse([text])
        return try #require(BytecodeCompiler.compile(parsed.expression))
    }

    @Test("byte-level programs: ops, jump offsets, host-order ports, network-order addresses", arguments: [
        ("sport = :8000", [11, 8, 12, 0, 0, 0, 0x40, 0x1F]),
        ("( sport = :8000 or dport = :8000 )", [
            11, 8, 12, 0, 0, 0, 0x40, 0x1F, 1, 4, 12, 0, 12, 8, 12, 0, 0, 0, 0x40, 0x1F,
        ]),
        ("not sport = :80", [11, 8, 12, 0, 0, 0, 80, 0, 1, 4, 8, 0]),
        ("sport = :1 and dport = :2", [11, 8, 20, 0, 0, 0, 1, 0, 12, 8, 12, 0, 0, 0, 2, 0]),
        ("sport >= :1024", [2, 8, 12, 0, 0, 0, 0, 4]),
        ("dport < :1024", [4, 8, 12, 0, 0, 0, 0, 4, 1, 4, 8, 0]),
        ("src 127.0.0.1/8", [7, 16, 20, 0, 2, 8, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 127, 0, 0, 1]),
        ("dst [::1]:443", [8, 28, 32, 0, 10, 128, 0, 0, 0xBB, 0x01, 0, 0] + [UInt8](repeating: 0, count: 15) + [1]),
        ("dev = 1", [9, 8, 12, 0, 1, 0, 0, 0]),
        ("fwmark = 0x10/0xff", [10, 12, 16, 0, 0x10, 0, 0, 0, 0xFF, 0, 0, 0]),
        // AUTO, then sport >= 32768 and sport <= 60999 (the default ephemeral range), failures past the end.
        ("autobound", [6, 4, 24, 0, 2, 8, 20, 0, 0, 0, 0x00, 0x80, 3, 8, 12, 0, 0, 0, 0x47, 0xEE]),
    ] as [(String, [UInt8])])
    func bytes(text: String, expected: [UInt8]) throws {
        let code = try compile(text)
        #expect(code == expected)
        #expect(KernelBytecodeModel.audit(code))
    }

    @Test("no filter, no bytecode")
    func empty() {
        #expect(BytecodeCompiler.compile(.all) == [])
    }

    @Test("the model's audit rejects broken programs")
    func modelRejects() {
        #expect(!KernelBytecodeModel.audit([11, 8, 6, 0, 0, 0, 80, 0]))  // fail jump into the middle of an op
        #expect(!KernelBytecodeModel.audit([99, 4, 8, 0]))  // unknown op
        #expect(!KernelBytecodeModel.audit([7, 12, 16, 0, 2, 8, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]))  // address missing
    }

    /// Sockets covering both families, IPv4-mapped addresses, wildcard and device-bound ends.
    static let sockets: [Socket] = {
        let addresses: [(AddressFamily, IPAddress)] = [
            (.inet, .v4(.loopback)), (.inet, .v4(IPv4Address("10.1.2.3")!)), (.inet, .v4(.any)),
            (.inet6, .v6(.loopback)), (.inet6, .v6(.any)), (.inet6, .v6(IPv6Address(high: 0, low: 0xFFFF_7F00_0001))),
            (.inet6, .v6(IPv6Address(high: 0, low: 0xFFFF_0A01_0203))),
            (.inet6, .v6(IPv6Address(high: 0x2001_0DB8_0000_0000, low: 5))),
        ]
        let ports: [UInt16] = [0, 22, 80, 1024, 8000, 40000, 65535]
        var result: [Socket] = []
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<400 {
            let (family, local) = addresses.randomElement(using: &generator)!
            let peer = addresses.filter { $0.0 == family }.randomElement(using: &generator)!.1
            result.append(
                Socket(
                    transport: .tcp,
                    family: family,
                    state: .established,
                    local: Endpoint(address: local, port: ports.randomElement(using: &generator)!),
                    peer: Endpoint(address: peer, port: ports.randomElement(using: &generator)!),
                    interfaceIndex: [0, 1, 2].randomElement(using: &generator)!,
                    mark: [0, 0x10, 0x1F].randomElement(using: &generator)!,
                    cgroupID: [0, 4242].randomElement(using: &generator)!
                )
            )
        }
        return result
    }()

    @Test("for 500 random expressions the kernel's verdict on the compiled program equals the Swift evaluator's")
    func randomExpressions() throws {
        var generator = SeededGenerator(seed: 42)
        var nonTrivial = 0
        for round in 0..<500 {
            let text = RandomFilter.expression(depth: 3, using: &generator)
            let parsed = try FilterParser.parse([text])
            let code = try #require(BytecodeCompiler.compile(parsed.expression), "\(text)")
            #expect(KernelBytecodeModel.audit(code), "round \(round): \(text)")
            var matched = 0
            for socket in Self.sockets {
                let kernel = KernelBytecodeModel.run(code, .init(socket))
                let swift = parsed.expression.matches(socket)
                #expect(kernel == swift, "\(text) on \(socket.local) → \(socket.peer)")
                if kernel { matched += 1 }
            }
            if matched > 0 && matched < Self.sockets.count { nonTrivial += 1 }
        }
        // The generator must produce expressions that split the sockets, or the test proves nothing.
        #expect(nonTrivial > 250)
    }
}

/// Random filter text from ss's grammar (without `autobound`, which only the kernel can decide).
enum RandomFilter {
    static let ports = ["0", "22", "80", "1024", "8000", "40000", "65535", "ssh", "http"]
    static let hosts = [
        "127.0.0.1", "127.0.0.0/8", "10.0.0.0/8", "10.1.2.3", "0.0.0.0", "*", "[::1]", "[::]", "[::ffff:127.0.0.1]",
        "[2001:db8::]/32", "::1", "inet:*", "inet6:*", "127.0.0.1:8000", "[::1]:22", "*:80", "10/8", "0/0",
        "[::ffff:0:0]/96",
    ]
    static let portHosts = ["127.0.0.1:8000", "[::1]:22", "*:80", ":8000", "inet:*:22", "[::ffff:127.0.0.1]:40000", "10/8:80"]
    static let comparisons = ["=", "==", "eq", "!=", "ne", "neq", "<", "lt", ">", "gt", "<=", "le", "leq", ">=", "ge", "geq"]

    static func predicate(using generator: inout SeededGenerator) -> String {
        switch Int.random(in: 0..<9, using: &generator) {
        case 0, 1:
            let side = Bool.random(using: &generator) ? "sport" : "dport"
            return "\(side) \(comparisons.randomElement(using: &generator)!) :\(ports.randomElement(using: &generator)!)"
        case 2, 3:
            let side = Bool.random(using: &generator) ? "src" : "dst"
            return "\(side) \(hosts.randomElement(using: &generator)!)"
        case 4: return "dev \(["=", "!="].randomElement(using: &generator)!) \(Int.random(in: 0...2, using: &generator))"
        case 5: return "fwmark = \(["0x10", "0x10/0xf0", "0x12/0xf0", "0/0xff", "31"].randomElement(using: &generator)!)"
        case 6: return "cgroup-id-placeholder"
        default:
            let side = Bool.random(using: &generator) ? "sport" : "dport"
            return "\(side) = \(portHosts.randomElement(using: &generator)!)"
        }
    }

    static func expression(depth: Int, using generator: inout SeededGenerator) -> String {
        var text: String
        if depth == 0 || Int.random(in: 0..<3, using: &generator) == 0 {
            text = predicate(using: &generator)
            if text == "cgroup-id-placeholder" { text = "sport > :1000" }
        } else {
            let lhs = expression(depth: depth - 1, using: &generator)
            let rhs = expression(depth: depth - 1, using: &generator)
            switch Int.random(in: 0..<6, using: &generator) {
            case 0: text = "\(lhs) and \(rhs)"
            case 1: text = "\(lhs) \(rhs)"
            case 2: text = "\(lhs) or \(rhs)"
            case 3: text = "( \(lhs) | \(rhs) )"
            case 4: text = "\(lhs) && \(rhs)"
            default: text = "( \(lhs) || \(rhs) )"
            }
        }
        switch Int.random(in: 0..<5, using: &generator) {
        case 0: return "not \(text)"
        case 1: return "! ( \(text) )"
        default: return text
        }
    }
}
