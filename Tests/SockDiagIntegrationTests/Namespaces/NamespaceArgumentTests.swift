import Foundation
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// `-N` of sockdiag, bind-check and the exporter with what is not a network namespace: a FIFO, a plain file,
    /// another kind of namespace, a name that leaves /var/run/netns. One line, exit 2, within a second.
    @Suite(.enabled(if: geteuid() == 0, "creates files under /var/run/netns"))
    struct NamespaceArguments {
        /// The three commands, each with `-N NAME`.
        static func commands(_ name: String) throws -> [(binary: String, arguments: [String], prefix: String)] {
            let sockdiag = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let exporter = try #require(Commands.exporterBinary, "sockdiag-exporter is not built next to the tests")
            return [
                (sockdiag, ["-t", "-N", name], "sockdiag"),
                (sockdiag, ["bind-check", "8000", "-N", name], "sockdiag"),
                (exporter, ["-N", name, "--listen", "127.0.0.1:0"], "sockdiag-exporter"),
            ]
        }

        /// Runs every command with `-N name` and checks the one line (after the `PREFIX: `) and exit 2, in a second.
        static func expectRefused(_ name: String, line: String) throws {
            for command in try commands(name) {
                let started = Date()
                let result = try Commands.run(command.binary, command.arguments, timeout: 5)
                let seconds = Date().timeIntervalSince(started)
                #expect(!result.timedOut && seconds < 1, "\(command.arguments) took \(seconds) s: \(result)")
                #expect(result.status == 2 && !result.signaled, "\(command.arguments): \(result)")
                #expect(
                    result.stderrLines == [Substring("\(command.prefix): \(line)")],
                    "\(command.arguments): \(result)"
                )
            }
        }

        /// Makes `/var/run/netns/sockdiag-test-STEM-PID` (a FIFO or an empty file), runs `body` with its name, and
        /// removes it.
        static func withEntry(_ stem: String, fifo: Bool, _ body: (String) throws -> Void) throws {
            mkdir("/var/run/netns", 0o755)
            let name = "sockdiag-test-\(stem)-\(getpid())"
            let path = "/var/run/netns/\(name)"
            let made = fifo ? mkfifo(path, 0o600) : creat(path, 0o600) >= 0 ? 0 : -1
            try #require(made == 0, "cannot make \(path): \(String(cString: strerror(errno)))")
            defer { unlink(path) }
            try body(name)
        }

        @Test("a FIFO under /var/run/netns is refused without blocking")
        func fifo() throws {
            try Self.withEntry("fifo", fifo: true) { name in
                try Self.expectRefused(
                    name,
                    line: "'\(name)' is not a network namespace (/var/run/netns/\(name) is a FIFO)"
                )
            }
        }

        @Test("a regular file under /var/run/netns is not a network namespace (not \"run as root\")")
        func regularFile() throws {
            try Self.withEntry("file", fifo: false) { name in
                try Self.expectRefused(
                    name,
                    line:
                        "'\(name)' is not a network namespace (/var/run/netns/\(name) is a file that is not a namespace)"
                )
            }
        }

        @Test("a name that leaves /var/run/netns is refused", arguments: ["../../etc", "/etc/passwd", ".."])
        func leavesDirectory(name: String) throws {
            try Self.expectRefused(
                name,
                line:
                    "no network namespace '\(name)': give a name under /var/run/netns (see `ip netns list`) or /proc/PID/ns/net"
            )
        }

        @Test("a namespace of another type (a UTS namespace bound under /var/run/netns) is not a network namespace")
        func otherNamespaceType() throws {
            let mount = try #require(Commands.find("mount"), "mount(8) not installed")
            try Self.withEntry("uts", fifo: false) { name in
                let path = "/var/run/netns/\(name)"
                let bound = try Commands.run(mount, ["--bind", "/proc/self/ns/uts", path])
                try #require(bound.status == 0, "\(bound)")
                defer { _ = umount2(path, Int32(MNT_DETACH)) }
                try Self.expectRefused(
                    name,
                    line: "'\(name)' is not a network namespace (\(path) is a namespace of another type)"
                )
            }
        }
    }
}
