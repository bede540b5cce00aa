import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// Filters nested or chained far beyond any real one, on the command line: each gives the right answer or one
    /// `sockdiag: ` line and status 2, never a crash (they once overflowed the stack of a release build).
    @Suite(.enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"))
    struct DeepFilterCLI {
        /// `terms` joined by `or`, as arguments of 4,000 terms (the kernel takes no single argument over 128 KiB);
        /// sockdiag joins its filter words with spaces, as ss does.
        static func orChain(_ terms: [String]) -> [String] {
            stride(from: 0, to: terms.count, by: 4_000).map { start in
                let chunk = terms[start..<min(start + 4_000, terms.count)].joined(separator: " or ")
                return start == 0 ? chunk : "or " + chunk
            }
        }

        /// Runs sockdiag -tlnH with `arguments` in a namespace listening on 127.0.0.1:7100 and :45000.
        static func listeners(_ arguments: [String]) throws -> CommandResult {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let fds = try namespace.onThread {
                try [7100, 45000].map { try LoopbackSockets.tcpListener(SocketAddress("127.0.0.1", UInt16($0))) }
            }
            defer { for fd in fds { close(fd) } }
            return try namespace.exec([binary, "-tlnH"] + arguments)
        }

        static func expectUsageError(_ result: CommandResult, mentions: String) {
            #expect(!result.signaled, "\(result)")
            #expect(result.status == 2, "\(result)")
            #expect(result.stderrLines.count == 1, "\(result)")
            #expect(result.stderr.hasPrefix("sockdiag: "), "\(result)")
            #expect(result.stderr.contains(mentions), "\(result)")
            #expect(result.stdout.isEmpty)
        }

        static func expectOnly7100(_ result: CommandResult) {
            #expect(result.status == 0 && !result.signaled, "\(result)")
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.count == 1, "\(result.stdout)")
            #expect(lines.first?.contains("127.0.0.1:7100") == true, "\(result.stdout)")
        }

        @Test("20,000 nested parentheses and 50,000 nots: one line naming the limit, status 2")
        func nesting() throws {
            let parentheses = String(repeating: "(", count: 20_000) + " sport = :7100 "
                + String(repeating: ")", count: 20_000)
            Self.expectUsageError(
                try Self.listeners([parentheses]),
                mentions: "nested deeper than 256 levels at column 257"
            )
            let nots = String(repeating: "!", count: 50_000) + " sport = :7100"
            Self.expectUsageError(try Self.listeners([nots]), mentions: "nested deeper than 256 levels")
        }

        @Test("a 40,000-term or chain selects what it names")
        func longChain() throws {
            let terms = (1...40_000).map { "sport = :\($0)" }
            Self.expectOnly7100(try Self.listeners(Self.orChain(terms)))
        }

        @Test("40,000 --port options select what they name")
        func manyPorts() throws {
            Self.expectOnly7100(try Self.listeners((1...40_000).map { "--port=\($0)" }))
        }
    }
}
