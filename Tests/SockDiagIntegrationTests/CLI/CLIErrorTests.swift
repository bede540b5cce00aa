import SockDiagTestSupport
import Testing

extension Integration {
    /// How the command line fails: status 2 and one `sockdiag: ` line for usage errors, status 1 and one line
    /// for run-time errors. Needs no root: the binary is run directly, in the runner's own network namespace.
    @Suite
    struct CLIErrors {
        /// Arguments that must be refused, and a piece of text the one-line message must hold.
        static let usageErrors: [(arguments: [String], mentions: String)] = [
            (["--state", "foo"], "time-wait"),
            (["--state", "foo"], "'foo'"),
            (["--port", "70000"], "70000"),
            (["--sport", "abc"], "--sport"),
            (["--dport", "-1"], "--dport"),
            (["--dport=-1"], "--dport"),
            (["--port", ""], "--port"),
            (["-l", "--state", "established"], "-l"),
            (["-uB"], "-B"),
            (["--bogus"], "--bogus"),
            (["unexpected"], "unexpected"),
            (["--all-netns", "-N", "elsewhere"], "-N/--net"),
            (["--all-netns", "--backend", "proc"], "--backend proc"),
            (["--all-netns", "-wa"], "-w/--raw"),
            (["list", "--state", "foo"], "'foo'"),
            (["list", "--bogus"], "--bogus"),
        ]

        @Test("usage errors exit 2 with one `sockdiag: ` line on stderr and nothing on stdout", arguments: usageErrors)
        func usageError(arguments: [String], mentions: String) throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let result = try Commands.run(binary, arguments)
            #expect(!result.signaled, "\(result)")
            #expect(result.status == 2, "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            let lines = result.stderrLines
            try #require(lines.count == 1, "\(result)")
            #expect(result.stderr.hasSuffix("\n"))
            #expect(lines[0].hasPrefix("sockdiag: "), "\(result)")
            #expect(lines[0].contains(mentions), "\(result)")
        }

        @Test("--version and -V print the version and exit 0", arguments: [["--version"], ["-V"], ["list", "-V"]])
        func version(arguments: [String]) throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let result = try Commands.run(binary, arguments)
            #expect(result.status == 0 && !result.signaled, "\(result)")
            #expect(result.stderr.isEmpty)
            #expect(result.stdout.split(separator: "\n").count == 1)
            #expect(result.stdout.hasPrefix("sockdiag "), "\(result)")
            #expect(result.stdout.contains { $0.isNumber })
        }

        @Test("--help and -h print the listing's usage and exit 0", arguments: [["--help"], ["-h"], ["list", "-h"]])
        func help(arguments: [String]) throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let result = try Commands.run(binary, arguments)
            let summary = "\(result.signaled ? "signal" : "status") \(result.status): \(result.stderrLines.first ?? "")"
            #expect(result.status == 0 && !result.signaled, "\(summary)")
            #expect(result.stdout.contains("USAGE"), "\(summary)")
            #expect(result.stdout.contains("--state"), "\(summary)")
        }

        @Test(
            "help names the subcommands; bind-check --help is bind-check's",
            arguments: [(["help"], "bind-check"), (["help"], "exporter"), (["bind-check", "--help"], "--reuseport")]
        )
        func subcommandHelp(arguments: [String], mentions: String) throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let result = try Commands.run(binary, arguments)
            #expect(result.status == 0 && !result.signaled, "\(result)")
            #expect(result.stdout.contains("USAGE"), "\(result)")
            #expect(result.stdout.contains(mentions), "\(result)")
        }

        @Test("a failed write to stdout exits 1 with one `sockdiag: ` line")
        func writeFailure() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            // The header alone is written even when no socket matches; /dev/full refuses it (ENOSPC).
            let result = try Commands.run(binary, ["-t", "--sport", "1"], stdoutPath: "/dev/full")
            #expect(result.status == 1 && !result.signaled, "\(result)")
            let lines = result.stderrLines
            try #require(lines.count == 1, "\(result)")
            #expect(lines[0].hasPrefix("sockdiag: "), "\(result)")
        }
    }
}
