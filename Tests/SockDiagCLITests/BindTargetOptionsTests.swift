import ArgumentParser
import Testing

@testable import sockdiag

/// `bind-check` and `free` take the target, `--udp`, `--reuseaddr`/`--reuseport` and `-N` from one option group:
/// the same validation and the same evidence command.
@Suite("bind-check and free share their target options")
struct BindTargetOptionsTests {
    static func bindCheck(_ arguments: [String]) throws -> BindTargetOptions {
        try #require(try SockDiagCommand.parseAsRoot(["bind-check"] + arguments) as? BindCheckCommand).bind
    }

    static func free(_ arguments: [String]) throws -> BindTargetOptions {
        try #require(try SockDiagCommand.parseAsRoot(["free"] + arguments) as? FreeCommand).bind
    }

    @Test("the same arguments give the same target and evidence command")
    func sameEvidence() throws {
        for arguments in [["8000"], ["--udp", "[::1]:53", "-N", "ns1"], ["127.0.0.1:80", "--reuseport"]] {
            let check = try Self.bindCheck(arguments)
            let free = try Self.free(arguments)
            #expect(try check.bindTarget() == free.bindTarget())
            #expect(check.evidenceCommand(port: 8000) == free.evidenceCommand(port: 8000))
            #expect(check.reuseport == free.reuseport && check.udp == free.udp)
        }
        #expect(try Self.free(["--udp", "5353", "-N", "c1"]).evidenceCommand(port: 5353)
            == "sockdiag -uanp -N c1 'sport = :5353'")
    }

    @Test("the same bad input gets the same message", arguments: [
        ["0"], ["8000", "--reuseaddr", "--reuseport"], ["::1:80"], ["[::1]80"], ["999999"],
    ])
    func sameRefusal(arguments: [String]) {
        func message(_ command: String) -> String {
            do {
                _ = try SockDiagCommand.parseAsRoot([command] + arguments)
                return "parsed"
            } catch {
                return SockDiagCommand.message(for: error)
            }
        }
        #expect(message("bind-check") != "parsed")
        #expect(message("bind-check") == message("free"))
    }
}
