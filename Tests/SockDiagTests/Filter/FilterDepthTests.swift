import Testing

@testable import SockDiag

/// Input nested or chained far beyond any real filter once overflowed the stack (the parser, the compiler and the
/// evaluator recursed once per level or term). Nesting past ``FilterParser/maximumDepth`` is refused with one
/// error; flat chains of any length become balanced trees, compile without recursion and fall back to the Swift
/// evaluator when the program is too long for the kernel.
@Suite("Deep and long filters")
struct FilterDepthTests {
    static let limit = FilterParser.maximumDepth

    /// The error parsing `text` throws, or nil.
    static func error(_ text: String) -> FilterSyntaxError? {
        do {
            _ = try FilterParser.parse([text])
            return nil
        } catch {
            return error
        }
    }

    /// The number of `not`, `and` and `or` levels on the longest path, counted with a stack of its own.
    static func depth(_ expression: FilterExpression) -> Int {
        var deepest = 0
        var pending = [(expression, 0)]
        while let (node, level) = pending.popLast() {
            deepest = max(deepest, level)
            switch node {
            case .not(let inner): pending.append((inner, level + 1))
            case .and(let lhs, let rhs), .or(let lhs, let rhs): pending += [(lhs, level + 1), (rhs, level + 1)]
            default: break
            }
        }
        return deepest
    }

    @Test("20,000 nested parentheses: refused at the 257th, one line")
    func parentheses() throws {
        let text = String(repeating: "(", count: 20_000) + "sport = :80" + String(repeating: ")", count: 20_000)
        let error = try #require(Self.error(text))
        #expect(error.description == "filter: nested deeper than 256 levels at column 257")
        let accepted = String(repeating: "( ", count: Self.limit) + "sport = :80"
            + String(repeating: " )", count: Self.limit)
        #expect(Self.error(accepted) == nil)
    }

    @Test("50,000 nots, as ! and as not: refused at the 257th")
    func negations() throws {
        let bangs = String(repeating: "!", count: 50_000) + " sport = :80"
        #expect(try #require(Self.error(bangs)).description == "filter: nested deeper than 256 levels at column 257")
        let words = String(repeating: "not ", count: 50_000) + "sport = :80"
        #expect(try #require(Self.error(words)).description == "filter: nested deeper than 256 levels at column 1025")
        let accepted = String(repeating: "!", count: Self.limit) + " sport = :80"
        let parsed = try FilterParser.parse([accepted]).expression
        #expect(Self.depth(parsed) == Self.limit)
        #expect(parsed.matches(Self.socket(port: 80)) == true)  // an even number of nots
    }

    @Test("a 40,000-term or chain is a balanced tree that matches what it names and is too long for the kernel")
    func longOr() throws {
        let text = (1...40_000).map { "sport = :\($0)" }.joined(separator: " or ")
        let expression = try FilterParser.parse([text]).expression
        #expect(Self.depth(expression) == 16)
        #expect(BytecodeCompiler.compile(expression) == nil)
        for port: UInt16 in [1, 2, 20_000, 40_000] { #expect(expression.matches(Self.socket(port: port))) }
        for port: UInt16 in [0, 40_001, 65_535] { #expect(!expression.matches(Self.socket(port: port))) }
    }

    @Test("a 40,000-term and chain, juxtaposed and with &&, likewise")
    func longAnd() throws {
        let text = (1...40_000).map { "sport != :\($0)" }.enumerated()
            .map { $0.offset.isMultiple(of: 2) ? $0.element : "&& " + $0.element }
            .joined(separator: " ")
        let expression = try FilterParser.parse([text]).expression
        #expect(Self.depth(expression) == 17)
        #expect(BytecodeCompiler.compile(expression) == nil)
        #expect(expression.matches(Self.socket(port: 40_001)))
        #expect(!expression.matches(Self.socket(port: 12_345)))
    }

    @Test("alternating and/or nests one level per change: 300 changes are refused")
    func alternation() throws {
        let text = (0..<301).map { "sport = :\($0)" }.enumerated()
            .map { $0.offset == 0 ? $0.element : ($0.offset.isMultiple(of: 2) ? "and " : "or ") + $0.element }
            .joined(separator: " ")
        let error = try #require(Self.error(text))
        #expect(error.message == "nested deeper than 256 levels")
    }

    @Test("chains compile to ss's program whatever their grouping, and every program passes the kernel's audit")
    func groupingDoesNotChangeTheProgram() throws {
        let ports = (1...9).map { FilterExpression.port(.local, UInt16($0)) }
        let leftDeep = ports.dropFirst().reduce(ports[0]) { .or($0, $1) }
        let rightDeep = ports.dropLast().reversed().reduce(ports[8]) { .or($1, $0) }
        let program = try #require(BytecodeCompiler.compile(leftDeep))
        #expect(BytecodeCompiler.compile(.anyOf(ports)) == program)
        #expect(BytecodeCompiler.compile(rightDeep) == program)
        #expect(KernelBytecodeModel.audit(program))
        let conjunction = ports.dropFirst().reduce(ports[0]) { .and($0, .not($1)) }
        let allOf = FilterExpression.allOf([ports[0]] + ports.dropFirst().map { .not($0) })
        #expect(BytecodeCompiler.compile(allOf) == BytecodeCompiler.compile(conjunction))
        // The longest chain that still fits 32,000 bytes (8 a port compare, 4 a jump): 2,667 terms.
        let fits = FilterExpression.anyOf((1...2_667).map { .port(.local, UInt16($0)) })
        let longest = try #require(BytecodeCompiler.compile(fits))
        #expect(KernelBytecodeModel.audit(longest))
        #expect(KernelBytecodeModel.run(longest, .init(Self.socket(port: 2_667))))
        #expect(!KernelBytecodeModel.run(longest, .init(Self.socket(port: 2_668))))
        #expect(BytecodeCompiler.compile(.anyOf((1...2_668).map { .port(.local, UInt16($0)) })) == nil)
    }

    @Test("40,000 ports in a PortMatch: a shallow tree, filtered in Swift with the same answer")
    func portList() throws {
        let match = PortMatch(.either, (1...40_000).map { UInt16($0) })
        #expect(Self.depth(match.expression) <= 17)
        let plan = try DumpPlan(SocketQuery(protocols: [.tcp], ports: [match]))
        for port: UInt16 in [1, 39_999, 40_000, 40_001, 60_000] {
            let socket = Self.socket(port: port)
            #expect(try plan.filterMatches(socket) == match.matches(socket), "port \(port)")
        }
    }

    /// An established IPv4 socket with local port `port`.
    static func socket(port: UInt16) -> Socket {
        Socket(
            transport: .tcp, family: .inet, state: .established,
            local: Endpoint(address: .v4(.loopback), port: port), peer: Endpoint(address: .v4(.loopback), port: 50_000)
        )
    }
}
