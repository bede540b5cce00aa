import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// UNIX sockets with `-p`, `-e`, `-m` and path filters, listed by sockdiag and by ss at the same moment in a
    /// private namespace; names with control characters, from a process and from a path.
    @Suite(
        .enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"),
        .enabled(if: Commands.ss != nil, "needs ss (iproute2)")
    )
    struct UnixDetails {
        /// ``UnixAndRaw/population(path:)`` (its first descriptor the path listener), an accepted connection to the
        /// listener, and one waiting in its accept queue.
        static func population(path: String) throws -> [Int32] {
            var fds = try UnixAndRaw.population(path: path)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) {
                for (index, byte) in path.utf8.enumerated() { $0[index] = byte }
            }
            for index in 0..<2 {
                let client = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
                fds.append(client)
                let connected = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        Glibc.connect(client, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                    }
                }
                let accepted = connected == 0 && index == 0 ? accept(fds[0], nil, nil) : 0
                if accepted > 0 { fds.append(accepted) }
                guard connected == 0, accepted >= 0 else {
                    for fd in fds { close(fd) }
                    throw HelperError.system("connect")
                }
            }
            return fds
        }

        static func words(_ text: String) -> [String] {
            text.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }.sorted()
        }

        @Test("-xapH, -xaeH, -xamH, -xaempH and -xaH src GLOB list what ss lists; their JSON has the keys")
        func matchesSS() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let ss = try #require(Commands.ss)
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sockdiag-ux-\(getpid())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("Listen.sock").path
            let fds = try namespace.onThread { try Self.population(path: path) }
            defer { for fd in fds { close(fd) } }

            for options in [["-xapH"], ["-xaeH"], ["-xamH"], ["-xaempH"], ["-xaH", "src", directory.path + "/*"]] {
                let ours = try namespace.exec([binary] + options)
                let theirs = try namespace.exec([ss] + options)
                try #require(ours.status == 0 && theirs.status == 0, "\(ours) \(theirs)")
                expectSame(Self.words(ours.stdout), Self.words(theirs.stdout), "sockdiag", "ss", "\(options): ")
            }
            // ss matches globs case-insensitively, as sockdiag.
            let folded = try namespace.exec([binary, "-xaH", "src", "unix:" + directory.path.uppercased() + "/l*"])
            #expect(Self.words(folded.stdout).count == 2, "\(folded)")
            // dst: the peer's name (the accepted end of the path listener's connection carries its path).
            let clients = try namespace.exec([binary, "-xaH", "dst", path])
            #expect(Self.words(clients.stdout).count == 1, "\(clients)")

            let json = try namespace.exec([binary, "-xaemp", "--json"])
            try #require(json.status == 0, "\(json)")
            let objects = try #require(
                try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
            )
            for key in ["shutdown", "file", "pending_peers", "memory", "process"] {
                #expect(objects.allSatisfy { $0.keys.contains(key) }, "\(key)")
            }
            let listener = try #require(objects.first { $0["path"] as? String == path && $0["state"] as? String == "listening" })
            #expect((listener["pending_peers"] as? [Int])?.count == 1)
            #expect((listener["file"] as? [String: Any])?["inode"] != nil)
            #expect((listener["process"] as? [[String: Any]])?.first?["pid"] as? Int == Int(getpid()))
        }

        @Test("a process named with escape sequences and a path with control characters never reach the terminal raw")
        func controlCharacters() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let copy = try ExecutableCopy(of: "/bin/sleep", prefix: "sockdiag-evil")
            defer { copy.remove() }
            let name = "e\u{1b}[31mX\u{7}\n"
            let evil = copy.directory.appendingPathComponent(name).path
            try #require(rename(copy.path, evil) == 0)
            let path = copy.directory.appendingPathComponent("c\u{1b}[2J\n.sock").path
            let fds = try namespace.onThread { () throws -> [Int32] in
                let unix = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
                guard UnixAndRaw.bind(unix, Array(path.utf8)) else {
                    close(unix)
                    throw HelperError.system("bind")
                }
                let tcp = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                guard listen(tcp, 1) == 0 else {
                    close(unix)
                    close(tcp)
                    throw HelperError.system("listen")
                }
                return [unix, tcp]
            }
            defer { for fd in fds { close(fd) } }
            let child = try BackgroundProcess(evil, ["30"], label: "evil-name", passing: fds)
            defer { child.stop() }
            _ = try child.wait("the child's name") {
                (try? String(contentsOfFile: "/proc/\(child.pid)/comm", encoding: .utf8)) == name + "\n" ? true : nil
            }

            let table = try namespace.exec([binary, "-xtlpH"])
            try #require(table.status == 0, "\(table)")
            #expect(!table.stdout.utf8.contains(0x1B) && !table.stdout.utf8.contains(0x07), "\(table.stdout)")
            let rows = table.stdout.split(separator: "\n")
            #expect(rows.count == 2, "\(table.stdout)")
            #expect(rows.allSatisfy { $0.contains("(\"e?[31mX??\",pid=\(child.pid),fd=") }, "\(table.stdout)")
            #expect(rows.contains { $0.contains(copy.directory.path + "/c?[2J?.sock ") }, "\(table.stdout)")

            let json = try namespace.exec([binary, "-xtlp", "--json"])
            let objects = try #require(
                try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
            )
            #expect(objects.contains { $0["path"] as? String == path })
            let commands = objects.flatMap { ($0["process"] as? [[String: Any]] ?? []).compactMap { $0["command"] as? String } }
            #expect(commands.filter { $0 == name }.count == 2, "\(commands)")
        }
    }
}
