import Testing

@testable import SockDiag

@Suite("The ss filter language")
struct FilterParserTests {
    func parse(_ text: String) throws -> FilterExpression {
        try FilterParser.parse([text]).expression
    }

    static let p80 = FilterExpression.port(.local, 80)
    static let d80 = FilterExpression.port(.peer, 80)
    static let p1 = FilterExpression.port(.local, 1)

    @Test("port operators and their aliases", arguments: [
        ("sport = :80", p80), ("sport == :80", p80), ("sport eq :80", p80), ("sport :80", p80), ("sport = 80", p80),
        ("sport != :80", .not(p80)), ("sport ne :80", .not(p80)), ("sport neq :80", .not(p80)),
        ("sport < :80", .not(.portAtLeast(.local, 80))), ("sport lt :80", .not(.portAtLeast(.local, 80))),
        ("sport > :80", .not(.portAtMost(.local, 80))), ("sport gt :80", .not(.portAtMost(.local, 80))),
        ("sport <= :80", .portAtMost(.local, 80)), ("sport le :80", .portAtMost(.local, 80)),
        ("sport leq :80", .portAtMost(.local, 80)), ("sport >= :80", .portAtLeast(.local, 80)),
        ("sport ge :80", .portAtLeast(.local, 80)), ("sport geq :80", .portAtLeast(.local, 80)),
        ("dport = :80", d80), ("dport = :http", d80), ("sport=:80", p80), ("dport>=:80", .portAtLeast(.peer, 80)),
    ] as [(String, FilterExpression)])
    func ports(text: String, expected: FilterExpression) throws {
        #expect(try parse(text) == expected)
    }

    @Test("boolean operators, aliases, implicit and, and ss 6.1's precedence (not first, then left to right)", arguments: [
        ("sport = :80 and dport = :80", .and(p80, d80)), ("sport = :80 && dport = :80", .and(p80, d80)),
        ("sport = :80 & dport = :80", .and(p80, d80)), ("sport = :80 dport = :80", .and(p80, d80)),
        ("sport = :80 or dport = :80", .or(p80, d80)), ("sport = :80 || dport = :80", .or(p80, d80)),
        ("sport = :80 | dport = :80", .or(p80, d80)), ("not sport = :80", .not(p80)), ("! sport = :80", .not(p80)),
        ("!sport = :80", .not(p80)),
        ("sport = :1 or sport = :80 and dport = :80", .and(.or(p1, p80), d80)),
        ("sport = :1 or sport = :80 dport = :80", .and(.or(p1, p80), d80)),
        ("sport = :1 and sport = :80 or dport = :80", .or(.and(p1, p80), d80)),
        ("sport = :1 or ( sport = :80 dport = :80 )", .or(p1, .and(p80, d80))),
        ("( sport = :1 or sport = :80 ) and dport = :80", .and(.or(p1, p80), d80)),
        ("(sport = :1 or sport = :80) dport = :80", .and(.or(p1, p80), d80)),
        ("not sport = :1 and sport = :80", .and(.not(p1), p80)),
        ("not ( sport = :1 and sport = :80 )", .not(.and(p1, p80))),
        ("not not sport = :80", .not(.not(p80))),
        ("sport = :1 or sport = :80 or dport = :80", .or(.or(p1, p80), d80)),
    ] as [(String, FilterExpression)])
    func booleans(text: String, expected: FilterExpression) throws {
        #expect(try parse(text) == expected)
    }

    @Test("host conditions", arguments: [
        ("src 127.0.0.1", HostCondition(family: .inet, address: .v4(.loopback), prefixLength: 32)),
        ("src 10.0.0.0/8", HostCondition(family: .inet, address: .v4(IPv4Address("10.0.0.0")!), prefixLength: 8)),
        ("src 193.233.7/24", HostCondition(family: .inet, address: .v4(IPv4Address("193.233.7.0")!), prefixLength: 24)),
        ("src 10/8", HostCondition(family: .inet, address: .v4(IPv4Address("10.0.0.0")!), prefixLength: 8)),
        ("src 127.0.0.1:8000", HostCondition(family: .inet, address: .v4(.loopback), prefixLength: 32, port: 8000)),
        ("src [::1]", HostCondition(family: .inet6, address: .v6(.loopback), prefixLength: 128)),
        ("src ::1", HostCondition(family: .inet6, address: .v6(.loopback), prefixLength: 128)),
        ("src [::1]:443", HostCondition(family: .inet6, address: .v6(.loopback), prefixLength: 128, port: 443)),
        ("src [2001:db8::]/32", HostCondition(family: .inet6, address: .v6(IPv6Address(high: 0x2001_0DB8 << 32, low: 0)), prefixLength: 32)),
        ("src [::ffff:127.0.0.1]", HostCondition(family: .inet6, address: .v6(IPv6Address(high: 0, low: 0xFFFF_7F00_0001)), prefixLength: 128)),
        ("src *", HostCondition()), ("src *:80", HostCondition(port: 80)), ("src :80", HostCondition(port: 80)),
        ("src *:*", HostCondition()), ("src inet:*", HostCondition(family: .inet)),
        ("src inet6:*:22", HostCondition(family: .inet6, port: 22)), ("src = 127.0.0.1", HostCondition(family: .inet, address: .v4(.loopback), prefixLength: 32)),
    ] as [(String, HostCondition)])
    func hosts(text: String, expected: HostCondition) throws {
        #expect(try parse(text) == .host(.local, expected))
    }

    @Test("dev, fwmark, cgroup, autobound")
    func others() throws {
        #expect(try parse("dev = 1") == .device(1))
        #expect(try parse("dev = lo") == .device(1))
        #expect(try parse("dev != lo") == .not(.device(1)))
        #expect(try parse("fwmark = 0x10") == .mark(value: 0x10, mask: .max))
        // MARK is kept as written (ss's parse_markmask, the kernel's INET_DIAG_BC_MARK_COND).
        #expect(try parse("fwmark = 0x12/0xf0") == .mark(value: 0x12, mask: 0xF0))
        #expect(try parse("fwmark != 16") == .not(.mark(value: 16, mask: .max)))
        #expect(try parse("autobound") == .autobound)
        if case .cgroup(let id) = try parse("cgroup = /") { #expect(id > 0) } else { Issue.record("cgroup") }
    }

    @Test("state and exclude before the expression")
    func states() throws {
        let parsed = try FilterParser.parse(["state", "time-wait", "state", "listening", "sport = :80"])
        #expect(parsed.states == [.timeWait, .listen])
        #expect(parsed.expression == Self.p80)
        let excluded = try FilterParser.parse(["exclude", "time-wait", "excl", "bucket"])
        #expect(excluded.states == StateSet.all.subtracting(.bucket))
        #expect(excluded.expression == .all)
        #expect(try FilterParser.parse([]).states == nil)
        #expect(try FilterParser.parse(["src", "inet6:*"]).family == .inet6)
        #expect(try FilterParser.parse(["src", "[::1]"]).family == nil)
    }

    @Test("errors name the problem and the column", arguments: [
        ("sport =", "filter: expected port after 'sport =' at column 8"),
        ("sport = x", "filter: bad port 'x': expected a number from 0 to 65535 or a service name at column 9"),
        ("sport = :70000", "filter: bad port '70000': expected a number from 0 to 65535 or a service name at column 9"),
        ("sport = :", "filter: expected port after ':' in ':' at column 9"),
        ("sport = and", "filter: expected port after 'sport =' at column 9"),
        ("sport >= 127.0.0.1:80", "filter: 'sport >=' compares ports only: write ':PORT', not '127.0.0.1:80' at column 10"),
        ("src 300.1.1.1", "filter: bad address '300.1.1.1': not an IPv4 or IPv6 address at column 5"),
        ("src example.com", "filter: bad address 'example.com': host names are not resolved; give a numeric address at column 5"),
        ("src 10.0.0.0/33", "filter: bad address '10.0.0.0/33': an IPv4 prefix is at most /32 at column 5"),
        ("src [::1", "filter: bad address '[::1': missing ']' at column 5"),
        ("src", "filter: expected an address after 'src' at column 4"),
        ("src < 1.2.3.4", "filter: 'src' takes = or !=, not '<' at column 5"),
        ("( sport = :1", "filter: unclosed '(' at column 1"),
        ("sport = :1 )", "filter: unbalanced ')' at column 12"),
        ("sport = :1 or", "filter: expected an expression after 'or' at column 14"),
        ("sport = :1 and", "filter: expected an expression after 'and' at column 15"),
        ("not", "filter: expected an expression after 'not' at column 4"),
        ("bogus", "filter: unknown predicate 'bogus' (expected src, dst, sport, dport, dev, fwmark, cgroup, autobound, not, or '(') at column 1"),
        ("dev = nosuchif0", "filter: no interface named 'nosuchif0' at column 7"),
        ("fwmark = zz", "filter: bad fwmark 'zz': expected MARK or MARK/MASK at column 10"),
        ("state", "filter: expected a state name after 'state' at column 6"),
    ])
    func errors(text: String, message: String) {
        #expect(throws: FilterSyntaxError.self) { try parse(text) }
        do {
            _ = try FilterParser.parse([text])
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("an unknown state lists the valid ones")
    func unknownState() {
        do {
            _ = try FilterParser.parse(["state", "bogus"])
            Issue.record("parsed")
        } catch {
            #expect(error.column == 7)
            #expect(error.message.contains("time-wait"))
        }
    }

    @Test("IPv6 text parses like inet_pton", arguments: [
        "::", "::1", "fe80::1", "2001:db8::1", "1::", "1:2:3:4:5:6:7:8", "::ffff:127.0.0.1", "2001:db8:0:1::1:0",
    ])
    func ipv6(text: String) throws {
        let address = try #require(IPv6Address(parsing: Substring(text)))
        #expect(address.description == text)
    }

    @Test("bad IPv6 text is rejected", arguments: ["1:2:3:4:5:6:7:8:9", ":::", "1::2::3", "12345::", "g::", "1:", ":1"])
    func ipv6Bad(text: String) {
        #expect(IPv6Address(parsing: Substring(text)) == nil)
    }
}
