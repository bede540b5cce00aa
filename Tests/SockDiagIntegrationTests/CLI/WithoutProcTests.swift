import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// The command line without /proc: Swift's `CommandLine.arguments` reads /proc/self/cmdline and is empty there,
    /// so both executables take argc and argv from the C runtime. Each run is in a new mount namespace with /proc
    /// unmounted, and a new (empty) network namespace, so that nothing it might serve or list is the runner's.
    @Suite(
        .enabled(if: canRunWithoutProc, "needs root and unshare(1)"),
        .disabled(if: sanitized, "a sanitizer's runtime reads /proc/self/maps at startup: it cannot run without /proc")
    )
    struct WithoutProc {
        /// Runs `binary arguments` where /proc is not mounted.
        static func run(_ binary: String, _ arguments: [String]) throws -> CommandResult {
            let unshare = try #require(Commands.find("unshare"))
            let script = "umount -l /proc && exec \"$0\" \"$@\""
            let words = ["--mount", "--net", "--fork", "sh", "-c", script, binary] + arguments
            return try Commands.run(unshare, words, timeout: 10)
        }

        @Test("--version and -V print the version", arguments: [["--version"], ["-V"], ["list", "-V"]])
        func version(arguments: [String]) throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let result = try Self.run(binary, arguments)
            #expect(result.status == 0 && !result.signaled && !result.timedOut, "\(result)")
            #expect(result.stdout == "sockdiag 0.1.0\n", "\(result)")
            #expect(result.stderr.isEmpty, "\(result)")
        }

        /// Exact lines: the options are read, so they are refused as they would be with /proc.
        static let refused: [(sockdiag: Bool, arguments: [String], line: String)] = [
            (true, ["--no-such-option"], "sockdiag: Unknown option '--no-such-option'"),
            (true, ["--port", "-1"], "sockdiag: invalid port '-1' for --port: expected a number from 0 to 65535"),
            (
                false, ["--listen", "bogus"],
                "sockdiag-exporter: --listen takes IPV4:PORT or [IPV6]:PORT (port 0 to 65535), not 'bogus'"
            ),
            (
                false, ["-N", "sockdiag-no-such-namespace"],
                "sockdiag-exporter: no network namespace 'sockdiag-no-such-namespace' (/var/run/netns/sockdiag-no-such-namespace does not exist; see `ip netns list`)"
            ),
        ]

        @Test(
            "options are honoured: a bad one is one line and exit 2, for sockdiag and the exporter",
            arguments: refused
        )
        func honoured(sockdiag: Bool, arguments: [String], line: String) throws {
            let binary = try #require(sockdiag ? Commands.sockdiagBinary : Commands.exporterBinary, "not built")
            let result = try Self.run(binary, arguments)
            #expect(result.status == 2 && !result.signaled && !result.timedOut, "\(result)")
            #expect(result.stderrLines == [Substring(line)], "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
        }

        @Test("-s says in one line that the kernel's counters are missing, and still counts the dump")
        func summary() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let result = try Self.run(binary, ["-s"])
            #expect(result.status == 0 && !result.timedOut, "\(result)")
            #expect(
                result.stderrLines
                    == ["sockdiag: kernel counters are missing: /proc/net/sockstat cannot be read (is /proc mounted?)"],
                "\(result)"
            )
            #expect(result.stdout.hasPrefix("Total: "), "\(result)")
        }

        @Test("sockdiag exporter finds sockdiag-exporter beside argv[0] when /proc/self/exe is not there")
        func dispatch() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            try #require(Commands.exporterBinary != nil, "sockdiag-exporter is not built next to the tests")
            let result = try Self.run(binary, ["exporter", "--version"])
            #expect(result.status == 0 && !result.timedOut, "\(result)")
            #expect(result.stdout == "sockdiag-exporter 0.1.0\n", "\(result)")
        }
    }
}

/// Whether a test can unmount /proc in a mount namespace of its own.
private let canRunWithoutProc = geteuid() == 0 && Commands.find("unshare") != nil

/// Whether the executables under test were built with a sanitizer (Scripts/dev/sanitize.sh says so).
private let sanitized = getenv("SOCKDIAG_SANITIZER") != nil
