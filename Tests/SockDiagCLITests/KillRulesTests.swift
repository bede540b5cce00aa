import Testing

@testable import sockdiag

/// `-K`'s safety catch: a selection that nothing narrows is refused unless `--kill-all` is given.
@Suite("-K refuses a selection that nothing narrows")
struct KillRulesTests {
    /// The invocation ArgumentParser makes of `arguments`.
    static func invocation(_ arguments: [String]) throws -> Invocation {
        let parsed = try SockDiagCommand.parseAsRoot(arguments)
        return try #require(parsed as? ListCommand, "\(arguments)").invocation
    }

    static func refusal(_ arguments: [String]) throws -> UsageError? {
        let options = try invocation(arguments)
        do {
            _ = try Listing(checking: options)
            return nil
        } catch {
            return error
        }
    }

    @Test("not narrowed: protocols, families, -a, every state, a state set holding every state", arguments: [
        ["-K"], ["-Kt"], ["-Ktu4"], ["-Kta"], ["-K6", "-w"], ["-K", "--state", "all"], ["-Kt", "state", "all"],
        ["-K", "-n", "--json", "-p"], ["-K", "--dry-run"],
    ])
    func refused(arguments: [String]) throws {
        let error = try #require(try Self.refusal(arguments), "\(arguments) was accepted")
        #expect(error.message.contains("--kill-all"))
        #expect(error.message.contains("SSH"))
        #expect(!error.message.contains("\n"))
        #expect(try Self.refusal(arguments + ["--kill-all"]) == nil, "\(arguments) --kill-all")
    }

    @Test("narrowed: a state, -l, -B, a port, an address, a filter expression", arguments: [
        ["-K", "--state", "time-wait"], ["-Kt", "state", "established"], ["-Kl"], ["-KtB"], ["-K", "--port", "8000"],
        ["-K", "--sport", "1"], ["-K", "--dport", "443"], ["-K", "--src", "10.0.0.0/8"], ["-K", "--dst", "[::1]"],
        ["-Kt", "sport", "=", ":8000"], ["-Kt", "dev", "=", "lo"], ["-Kta", "exclude", "established"],
        ["-K", "--dry-run", "--state", "syn-recv"],
    ])
    func accepted(arguments: [String]) throws {
        #expect(try Self.refusal(arguments) == nil, "\(arguments)")
    }

    @Test("--dry-run and --kill-all need -K; -K refuses what it cannot serve", arguments: [
        ["--dry-run", "-t"], ["--kill-all"], ["-K", "--state", "time-wait", "--backend", "proc"],
        ["-K", "--state", "time-wait", "--all-netns"], ["-Ks", "--port", "1"], ["-Kx", "--state", "listening"],
        ["-K", "--port", "1", "-D", "capture"], ["-K", "--port", "1", "--from", "capture"],
    ])
    func usage(arguments: [String]) throws {
        let error = try #require(try Self.refusal(arguments), "\(arguments) was accepted")
        #expect(!error.message.contains("\n"))
    }
}
