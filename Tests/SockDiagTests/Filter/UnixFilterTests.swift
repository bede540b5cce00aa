import Testing

@testable import SockDiag

@Suite("UNIX path filters")
struct UnixFilterTests {
    static func parse(_ text: String) throws -> UnixFilterParser.Result {
        try UnixFilterParser.parse([text])
    }

    @Test("src and dst globs, unix: prefix, not/and/or/parentheses and states parse as ss's grammar")
    func grammar() throws {
        #expect(try Self.parse("src /run/*").filter == .name(.local, pattern: "/run/*"))
        #expect(try Self.parse("dst = unix:@abs*").filter == .name(.peer, pattern: "@abs*"))
        #expect(try Self.parse("src != /a").filter == .not(.name(.local, pattern: "/a")))
        #expect(
            try Self.parse("( src /a or src /b ) and ! dst /c").filter
                == .and(.or(.name(.local, pattern: "/a"), .name(.local, pattern: "/b")), .not(.name(.peer, pattern: "/c")))
        )
        let stated = try Self.parse("state listening src /x")
        #expect(stated.states == StateSet.parse("listening") && stated.filter == .name(.local, pattern: "/x"))
        #expect(try Self.parse("").filter == .all)
        #expect(UnixFilterParser.namesUnixSockets(["src", "unix:/x"]))
        #expect(!UnixFilterParser.namesUnixSockets(["src", "10.0.0.1"]))
    }

    @Test("what does not apply to UNIX sockets is one error naming the token")
    func errors() {
        for (text, words) in [
            ("sport = :80", "'sport' does not apply"), ("src inet:10.0.0.1", "not a UNIX path"),
            ("src", "expected a path glob"), ("src < /a", "takes = or !="), ("( src /a", "unclosed"),
            ("src /a )", "unbalanced"), ("state bogus", "unknown state"),
            (String(repeating: "! ", count: 300) + "src /a", "nested deeper"),
            (Array(repeating: "src /a", count: 300).joined(separator: " or "), "more than"),
        ] {
            do {
                _ = try Self.parse(text)
                Issue.record("\(text) parsed")
            } catch let error as FilterSyntaxError {
                #expect(error.message.contains(words), "\(text): \(error)")
            } catch {
                Issue.record("\(text): \(error)")
            }
        }
    }

    @Test("globs match as fnmatch with FNM_CASEFOLD on the name as ss prints it")
    func matching() {
        let path = Array("/run/Docker.sock".utf8)
        let abstract: [UInt8] = [0] + Array("abs".utf8) + [0] + Array("x".utf8)
        #expect(UnixPathFilter.name(.local, pattern: "/run/*").matches(name: path))
        #expect(UnixPathFilter.name(.local, pattern: "*docker*").matches(name: path))
        #expect(!UnixPathFilter.name(.local, pattern: "/var/*").matches(name: path))
        #expect(UnixPathFilter.name(.local, pattern: "@abs@x").matches(name: abstract))
        #expect(UnixPathFilter.name(.local, pattern: "*").matches(name: []))
        #expect(!UnixPathFilter.name(.local, pattern: "?*").matches(name: []))
        #expect(UnixPathFilter.name(.peer, pattern: "/run/*").matches(name: [], peerName: path))
        #expect(UnixPathFilter.name(.peer, pattern: "/run/*").usesPeer)
        #expect(!UnixPathFilter.not(.name(.local, pattern: "/run/*")).matches(name: path))
    }
}
