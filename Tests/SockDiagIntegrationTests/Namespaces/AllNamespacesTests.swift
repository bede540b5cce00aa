import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Three private namespaces, each with a listener and one connection on ports no other test uses.
///
/// Sockets are told apart by their cookies (`SO_COOKIE`, unique on the machine), not by port: another namespace
/// on a busy machine may well hold a socket on the same port.
struct NamespaceTrio {
    let namespaces: [TestNamespace]
    /// Per namespace: its inode, the local ports of its sockets (the listener's port and the client's), and the
    /// cookies of its three sockets.
    let inodes: [UInt64]
    let ports: [Set<UInt16>]
    let cookies: [Set<UInt64>]
    let fds: [Int32]

    /// `SO_COOKIE` from <asm-generic/socket.h>.
    static let soCookie: Int32 = 57

    static func cookie(of fd: Int32) throws -> UInt64 {
        var value: UInt64 = 0
        var length = socklen_t(MemoryLayout<UInt64>.size)
        guard getsockopt(fd, SOL_SOCKET, soCookie, &value, &length) == 0 else { throw HelperError.system("SO_COOKIE") }
        return value
    }

    /// The listener port of namespace `index`: from this process's pid, so that concurrent test runs differ.
    static func port(_ index: Int) -> UInt16 {
        UInt16(30000 + Int(getpid()) % 6000 * 4 + index)
    }

    static func build() throws -> NamespaceTrio {
        var namespaces: [TestNamespace] = []
        var inodes: [UInt64] = []
        var ports: [Set<UInt16>] = []
        var cookies: [Set<UInt64>] = []
        var fds: [Int32] = []
        do {
            for index in 0..<3 {
                let namespace = try TestNamespace()
                namespaces.append(namespace)
                var status = stat()
                guard stat("/var/run/netns/\(namespace.name)", &status) == 0 else {
                    throw HelperError.system("stat /var/run/netns/\(namespace.name)")
                }
                inodes.append(UInt64(status.st_ino))
                let address = SocketAddress("127.0.0.1", port(index))
                let made = try namespace.onThread { () throws -> [Int32] in
                    let listener = try LoopbackSockets.tcpListener(address)
                    let client = try LoopbackSockets.connected(to: address)
                    let server = try LoopbackSockets.accept(listener)
                    return [listener, client, server]
                }
                fds += made
                ports.append([address.port, try LoopbackSockets.address(of: made[1]).port])
                cookies.append(Set(try made.map(cookie(of:))))
            }
        } catch {
            LoopbackSockets.closeAll(fds)
            for namespace in namespaces { namespace.remove() }
            throw error
        }
        return NamespaceTrio(namespaces: namespaces, inodes: inodes, ports: ports, cookies: cookies, fds: fds)
    }

    /// Every cookie of the trio.
    var allCookies: Set<UInt64> { cookies.reduce([]) { $0.union($1) } }

    func remove() {
        LoopbackSockets.closeAll(fds)
        for namespace in namespaces { namespace.remove() }
    }
}

extension Integration {
    /// `--all-netns` and the library's namespace sweep, against namespaces the test makes.
    @Suite(.enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create private network namespaces"))
    struct AllNamespaces {
        /// The cookies of `sockets` that belong to the trio.
        static func trioCookies(_ sockets: [Socket], _ trio: NamespaceTrio) -> Set<UInt64> {
            Set(sockets.map(\.cookie)).intersection(trio.allCookies)
        }

        @Test("discovery finds each namespace once, by name and inode; the sweep reads each from inside it")
        func librarySweep() throws {
            let trio = try NamespaceTrio.build()
            defer { trio.remove() }
            let scan = try NetworkNamespaceScanner().namespaces()
            #expect(scan.namespaces.first?.isCurrent == true)
            #expect(scan.namespaces.filter(\.isCurrent).count == 1)
            #expect(Set(scan.namespaces.map(\.id)).count == scan.namespaces.count, "no namespace twice")
            for (index, namespace) in trio.namespaces.enumerated() {
                let found = scan.namespaces.filter { $0.inode == trio.inodes[index] }
                try #require(found.count == 1, "\(namespace.name) in \(scan.namespaces)")
                #expect(found[0].name == namespace.name)
                #expect(found[0].path == "/var/run/netns/\(namespace.name)")
                #expect(found[0].label == namespace.name)
            }

            let query = SocketQuery(protocols: [.tcp], states: .all)
            let sweep = try scan.sweep { _, inspector in try inspector.sockets(matching: query) }
            do {
                #expect(sweep.skipped.isEmpty, "\(sweep.skipped)")
                for entry in sweep.results {
                    let ours = Self.trioCookies(entry.value, trio)
                    if let index = trio.inodes.firstIndex(of: entry.namespace.inode) {
                        #expect(ours == trio.cookies[index], "\(entry.namespace)")
                        #expect(Set(entry.value.map(\.local.port)) == trio.ports[index], "\(entry.namespace)")
                        #expect(entry.value.count == 3, "\(entry.namespace): \(entry.value)")
                    } else {
                        #expect(ours.isEmpty, "\(entry.namespace) shows the trio's sockets \(ours)")
                    }
                }
                for inode in trio.inodes {
                    #expect(sweep.results.contains { $0.namespace.inode == inode })
                }
            }
            #expect(
                sweep.results.map(\.namespace)
                    == scan.namespaces.filter { namespace in
                        sweep.results.contains { $0.namespace == namespace }
                    },
                "results in the scan's order"
            )
        }

        @Test("a sweep three namespaces at a time delivers each namespace's own sockets in the scan's order")
        func concurrentSweep() throws {
            let trio = try NamespaceTrio.build()
            defer { trio.remove() }
            let scan = try NetworkNamespaceScanner().namespaces()
            let gone = trio.namespaces[2]
            let removed = try Commands.run(try #require(Commands.ip), ["netns", "del", gone.name])
            try #require(removed.status == 0, "\(removed)")
            let query = SocketQuery(protocols: [.tcp], states: .all)
            var delivered: [NetworkNamespace] = []
            var cookies: [UInt64: Set<UInt64>] = [:]
            let sweep = try scan.sweep(concurrency: 3) { _, inspector in
                try inspector.sockets(matching: query)
            } deliver: { namespace, sockets in
                delivered.append(namespace)
                cookies[namespace.inode] = Self.trioCookies(sockets, trio)
            }
            #expect(delivered == sweep.results.map(\.namespace))
            #expect(delivered == scan.namespaces.filter { delivered.contains($0) }, "the scan's order")
            #expect(cookies[trio.inodes[0]] == trio.cookies[0])
            #expect(cookies[trio.inodes[1]] == trio.cookies[1])
            #expect(cookies[trio.inodes[2]] == nil, "deleted before its turn")
            #expect(sweep.vanished >= 1)
            for (inode, found) in cookies where !trio.inodes.contains(inode) {
                #expect(found.isEmpty, "net:[\(inode)] shows the trio's sockets")
            }

            struct Failure: Error {}
            #expect(throws: Failure.self) {
                _ = try scan.sweep(concurrency: 2) { _, _ in throw Failure() } deliver: { _, _ in }
            }
        }

        @Test("a namespace deleted after discovery is skipped and counted; the others are still read")
        func vanishedNamespace() throws {
            let trio = try NamespaceTrio.build()
            defer { trio.remove() }
            let scan = try NetworkNamespaceScanner().namespaces()
            let gone = trio.namespaces[1]
            let removed = try Commands.run(try #require(Commands.ip), ["netns", "del", gone.name])
            try #require(removed.status == 0, "\(removed)")

            let query = SocketQuery(protocols: [.tcp], states: .all)
            let sweep = try scan.sweep { _, inspector in try inspector.sockets(matching: query) }
            // Other namespaces (other test runs) may vanish too; this one certainly has.
            #expect(sweep.vanished >= 1)
            #expect(!sweep.results.contains { $0.namespace.inode == trio.inodes[1] })
            #expect(!sweep.skipped.contains { $0.namespace.inode == trio.inodes[1] }, "vanished is not skipped")
            for index in [0, 2] {
                let entry = try #require(sweep.results.first { $0.namespace.inode == trio.inodes[index] })
                #expect(Self.trioCookies(entry.value, trio) == trio.cookies[index])
            }

            // A path that now reaches another namespace is not entered: it counts as vanished.
            let first = try #require(scan.namespaces.first { $0.inode == trio.inodes[0] })
            var moved = first
            moved.path = "/var/run/netns/\(trio.namespaces[2].name)"
            let error = #expect(throws: SockDiagError.self) {
                try moved.run { () throws(SockDiagError) in () }
            }
            #expect(error?.code == .namespaceVanished, "\(String(describing: error))")
        }

        @Test("sockdiag --all-netns -tan --json labels each socket with its namespace's inode and name")
        func cliJSON() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let trio = try NamespaceTrio.build()
            defer { trio.remove() }
            let result = try Commands.run(binary, ["--all-netns", "-tan", "--json"])
            try #require(result.status == 0 && !result.signaled, "\(result)")
            let objects = try #require(
                try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]],
                "\(result)"
            )
            var cookiesByInode: [UInt64: Set<UInt64>] = [:]
            var names: [UInt64: String] = [:]
            for object in objects {
                let netns = try #require(object["netns"] as? [String: Any], "\(object)")
                let inode = try #require((netns["inode"] as? NSNumber)?.uint64Value)
                if let name = netns["name"] as? String { names[inode] = name }
                let cookie = try #require((object["cookie"] as? String).flatMap { UInt64($0, radix: 16) }, "\(object)")
                cookiesByInode[inode, default: []].insert(cookie)
            }
            for (index, namespace) in trio.namespaces.enumerated() {
                let inode = trio.inodes[index]
                #expect(names[inode] == namespace.name, "\(result)")
                #expect(cookiesByInode[inode] == trio.cookies[index], "\(result)")
            }
            for (inode, cookies) in cookiesByInode where !trio.inodes.contains(inode) {
                #expect(cookies.intersection(trio.allCookies).isEmpty, "net:[\(inode)] shows the trio's sockets")
            }

            // The table: a leading Netns column with the name; -H drops the header.
            let table = try Commands.run(binary, ["--all-netns", "-tan"])
            try #require(table.status == 0 && !table.signaled, "\(table)")
            let lines = table.stdout.split(separator: "\n")
            #expect(lines.first?.hasPrefix("Netns ") == true, "\(table)")
            for (index, namespace) in trio.namespaces.enumerated() {
                let rows = lines.filter { $0.hasPrefix(namespace.name + " ") }
                #expect(rows.count == 3, "\(table)")
                let port = ":\(NamespaceTrio.port(index))"
                #expect(rows.allSatisfy { $0.contains(port + " ") || $0.hasSuffix(port) }, "\(table)")
            }
            let headless = try Commands.run(binary, ["--all-netns", "-tanH"])
            #expect(headless.stdout.split(separator: "\n").first?.hasPrefix("Netns ") == false, "\(headless)")
        }

        @Test(
            "as nobody: its own namespace is listed, the others are named on one stderr line as skipped",
            .enabled(if: UnprivilegedSockdiag.canRun, "needs root, setpriv, the user nobody and the group nogroup")
        )
        func unprivileged() throws {
            let nobody = try UnprivilegedSockdiag()
            defer { nobody.remove() }

            let trio = try NamespaceTrio.build()
            defer { trio.remove() }
            // Run inside the first namespace, so that "its own" is one the test knows.
            let own = trio.namespaces[0]
            let result = try own.exec(nobody.command(["--all-netns", "-tan"]))
            #expect(result.status == 0 && !result.signaled, "\(result)")
            let rows = result.stdout.split(separator: "\n").dropFirst()
            #expect(rows.count == 3, "only its own namespace's three sockets: \(result)")
            #expect(rows.allSatisfy { $0.hasPrefix(own.name + " ") }, "\(result)")
            for other in trio.namespaces.dropFirst() {
                #expect(!result.stdout.contains(other.name), "\(result)")
            }
            let lines = result.stderrLines
            try #require(lines.count == 1, "\(result)")
            let pattern = try Regex(
                #"^sockdiag: --all-netns is partial: [0-9]+ network namespaces? could not be entered \(.*: (Operation not permitted|Permission denied); run as root\).*$"#
            )
            #expect(lines[0].wholeMatch(of: pattern) != nil, "\(result)")
            // Listed by name unless more namespaces (other test runs) crowd them out of the first eight.
            if !lines[0].contains(" more: ") {
                for other in trio.namespaces.dropFirst() {
                    #expect(lines[0].contains(other.name), "\(result)")
                }
            }
        }
    }
}
