import Foundation
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// `-r -T -O -Q --tos --cgroup --inet-sockopt -Z -F` against ss in one namespace: a Python process with two
    /// threads holds a listener on 127.0.0.1:22 (ssh), a connection to it with TOS 0x10 and SO_PRIORITY 6 and one
    /// opened by its second thread, an IPv6 pair on [::1]:80 (http) with traffic class 0x20, and a UDP socket on
    /// 127.0.0.1:53 (domain) with SO_PRIORITY 5.
    @Suite(
        .enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"),
        .enabled(if: Commands.ss != nil, "needs ss (iproute2)"),
        .enabled(if: BindCheck.systemPython != nil, "needs /usr/bin/python3")
    )
    struct DisplayOptionDifferential {
        static let script = """
            import socket, threading, time
            listener = socket.socket(); listener.bind(("127.0.0.1", 22)); listener.listen()
            client = socket.socket(); client.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, 0x10)
            client.setsockopt(socket.SOL_SOCKET, socket.SO_PRIORITY, 6)
            client.connect(("127.0.0.1", 22)); server, _ = listener.accept()
            listener6 = socket.socket(socket.AF_INET6); listener6.bind(("::1", 80)); listener6.listen()
            client6 = socket.socket(socket.AF_INET6); client6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_TCLASS, 0x20)
            client6.connect(("::1", 80)); server6, _ = listener6.accept()
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); udp.bind(("127.0.0.1", 53))
            udp.setsockopt(socket.SOL_SOCKET, socket.SO_PRIORITY, 5)
            held = []
            connected = threading.Event()
            def worker():
                mine = socket.socket(); mine.connect(("127.0.0.1", 22)); held.append(mine); connected.set()
                time.sleep(120)
            threading.Thread(target=worker, daemon=True).start()
            connected.wait(); held.append(listener.accept()[0])
            print("ready", flush=True)
            time.sleep(120)
            """

        /// One namespace with the holder running; `body` gets a function running a command in it.
        static func withHolder(_ body: (_ run: ([String]) throws -> CommandResult) throws -> Void) throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let holder = try BackgroundProcess(
                try #require(Commands.ip),
                ["netns", "exec", namespace.name, try #require(BindCheck.systemPython), "-c", script],
                label: "display-holder"
            )
            defer { holder.stop() }
            _ = try holder.wait("the sockets") { holder.stdout.contains("ready") ? true : nil }
            try body { try namespace.exec($0) }
        }

        /// The lines of `output` with blanks collapsed (ss pads its columns, sockdiag does not the same way) and
        /// each `users:(…)` list's entries sorted (ss lists them in reverse scan order, sockdiag by pid, tid, fd).
        static func normalized(_ output: String) -> [String] {
            output.split(separator: "\n").map { line in
                line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { field -> String in
                    guard field.hasPrefix("users:((") && field.hasSuffix("))") else { return String(field) }
                    let entries = field.dropFirst("users:((".count).dropLast(2).components(separatedBy: "),(")
                    return "users:((" + entries.sorted().joined(separator: "),(") + "))"
                }.joined(separator: " ")
            }
        }

        /// Runs sockdiag and ss with the same arguments (and -H) and expects the same normalized lines.
        static func expectSameOutput(_ arguments: [String], run: ([String]) throws -> CommandResult) throws {
            let sockdiag = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let ours = try run([sockdiag] + arguments + ["-H"])
            let theirs = try run([try #require(Commands.ss)] + arguments + ["-H"])
            try #require(ours.status == 0 && !ours.signaled, "\(arguments): \(ours)")
            try #require(theirs.status == 0, "\(arguments): \(theirs)")
            #expect(normalized(ours.stdout) == normalized(theirs.stdout), "\(arguments)")
            #expect(!theirs.stdout.isEmpty, "\(arguments)")
        }

        @Test("-T, -r, -rn, --tos, --cgroup, --inet-sockopt and -O -e -m print what ss prints")
        func sameAsSS() throws {
            try Self.withHolder { run in
                for arguments in [
                    ["-tuanT"], ["-tuar"], ["-tuarn"], ["-tuan", "--tos"], ["-tuan", "--cgroup"],
                    ["-tuan", "--inet-sockopt"], ["-tuanemO", "--inet-sockopt"], ["-tuanpO", "--tos"],
                ] {
                    try Self.expectSameOutput(arguments, run: run)
                }
                let resolved = try run([try #require(Commands.sockdiagBinary), "-tuar", "-H"]).stdout
                #expect(resolved.contains("localhost:ssh") && resolved.contains("localhost:domain"), "\(resolved)")
                let threads = try run([try #require(Commands.sockdiagBinary), "-tanT", "-H", "sport", "=", ":22"])
                // The listener is held by the process and seen from both threads' tables: two tids.
                let tids = Set(threads.stdout.matches(of: /tid=(\d+)/).map { String($0.1) })
                #expect(tids.count == 2, "\(threads.stdout)")
            }
        }

        @Test("-Q leaves out exactly ss's Recv-Q and Send-Q columns (ss 6.1 has no -Q)")
        func noQueues() throws {
            try Self.withHolder { run in
                let ours = try run([try #require(Commands.sockdiagBinary), "-tuanQ", "-H"])
                let theirs = try run([try #require(Commands.ss), "-tuan", "-H"])
                let withoutQueues = Self.normalized(theirs.stdout).map { line in
                    line.split(separator: " ").enumerated().filter { $0.offset != 2 && $0.offset != 3 }
                        .map(\.element).joined(separator: " ")
                }
                #expect(Self.normalized(ours.stdout) == withoutQueues)
                let header = try run([try #require(Commands.sockdiagBinary), "-tuanQ"]).stdout.prefix { $0 != "\n" }
                #expect(!header.contains("Recv-Q") && !header.contains("Send-Q") && header.contains("Local Address"))
            }
        }

        @Test("-F FILE (and - for standard input) filters as ss -F and as the same expression on the command line")
        func filterFile() throws {
            let path = "/tmp/sockdiag-filter-\(getpid())"
            let text = "# the ssh side\nsport = :22\n\n   or dport = :80\n"
            try #require(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
            defer { unlink(path) }
            try Self.withHolder { run in
                try Self.expectSameOutput(["-tuan", "-F", path], run: run)
                let sockdiag = try #require(Commands.sockdiagBinary)
                let fromFile = try run([sockdiag, "-tanH", "-F", path])
                let inline = try run([sockdiag, "-tanH", "sport", "=", ":22", "or", "dport", "=", ":80"])
                #expect(fromFile.stdout == inline.stdout)
                #expect(Self.normalized(fromFile.stdout).count == 4, "\(fromFile.stdout)")
                let stdin = try run(["/bin/sh", "-c", "printf 'dport = :80\\n' | \(sockdiag) -tanH -F -"])
                #expect(Self.normalized(stdin.stdout).count == 1, "\(stdin)")
            }
            let missing = try Commands.run(try #require(Commands.sockdiagBinary), ["-F", path + ".missing"])
            #expect(missing.status == 2 && missing.stderrLines.count == 1, "\(missing)")
        }

        @Test("-Z and -z where SELinux is off: ss's line and exit status 1")
        func contexts() throws {
            try #require(access("/sys/fs/selinux/enforce", F_OK) != 0, "SELinux is on here")
            for option in ["-Z", "-z", "--context"] {
                let ours = try Commands.run(try #require(Commands.sockdiagBinary), ["-tan", option])
                let theirs = try Commands.run(try #require(Commands.ss), ["-tan", option == "--context" ? "-Z" : option])
                #expect(ours.status == 1 && theirs.status == 1, "\(ours) \(theirs)")
                #expect(ours.stderr.replacing("sockdiag: ", with: "") == theirs.stderr.replacing("ss: ", with: ""))
                #expect(ours.stdout.isEmpty)
            }
        }
    }
}
