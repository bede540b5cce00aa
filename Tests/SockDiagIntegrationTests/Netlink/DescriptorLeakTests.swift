import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// An inspector reused for many queries, early stops included, keeps a fixed number of descriptors.
    @Suite(.enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"))
    struct DescriptorLeaks {
        @Test("2000 queries on one inspector leave no file descriptor behind")
        func noDescriptorLeak() throws {
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }

            // Mostly UDP and TCP-listener dumps: a dump of TCP's other states walks the kernel's whole
            // (machine-sized) established hash, about 2 ms each. The mix still takes every path: full dumps,
            // bytecode, early stops that leave a dump queued and reopen the socket, the bind hash.
            let udpCount = population.expected.filter { $0.transport == "udp" }.count
            let counts = try namespace.onThread {
                struct Stop: Error {}
                let inspector = try SocketInspector()
                let everything = SocketQuery(states: .all)
                let udp = SocketQuery(protocols: [.udp], states: .all)
                let listeners = SocketQuery(protocols: [.tcp], states: .listen)
                let firstCount = try inspector.sockets(matching: everything).count
                let before = try stableDescriptorCount()
                var wrongCounts = 0
                for iteration in 1..<2000 {
                    switch iteration % 4 {
                    case 0 where iteration % 100 == 0:
                        if try inspector.sockets(matching: everything).count != firstCount { wrongCounts += 1 }
                    case 0:
                        if try inspector.sockets(matching: udp).count != udpCount { wrongCounts += 1 }
                    case 1:
                        var query = listeners
                        query.ports = [PortMatch(.either, [8000, 9000])]
                        if try inspector.sockets(matching: query).count != 2 { wrongCounts += 1 }
                    case 2:
                        // Stops after the first socket: the rest of the dump is left on the netlink socket.
                        do {
                            try inspector.forEachSocket(matching: iteration % 8 == 2 ? udp : listeners) { _ in
                                throw Stop()
                            }
                        } catch is Stop {}
                    case 3 where iteration % 100 == 3:
                        let query = SocketQuery(protocols: [.tcp], states: .boundInactive)
                        if try !inspector.sockets(matching: query).isEmpty { wrongCounts += 1 }
                    default:
                        if try inspector.sockets(matching: listeners).count != 4 { wrongCounts += 1 }
                    }
                }
                let after = try stableDescriptorCount()
                return (firstCount: firstCount, before: before, after: after, wrongCounts: wrongCounts)
            }
            #expect(counts.firstCount == population.expected.count)
            #expect(counts.wrongCounts == 0, "every repeated query saw the same sockets")
            #expect(
                counts.after <= counts.before,
                "open descriptors: \(counts.before) after the first query, \(counts.after) at the end"
            )
        }
    }
}

extension Integration.DescriptorLeaks {
    /// Compares what the library can leave open (namespace files, netlink sockets, directories, its named threads,
    /// threads in another namespace), not the process's totals, which other suites and the runtime move.
    @Test("100 namespace scans and sweeps (one at a time and three at once) leave no descriptor or thread behind and never move the calling thread")
    func sweepsLeaveNothing() throws {
        let trio = try NamespaceTrio.build()
        defer { trio.remove() }
        func ownNamespace() -> UInt64 {
            var status = stat()
            return stat("/proc/thread-self/ns/net", &status) == 0 ? UInt64(status.st_ino) : 0
        }
        let home = ownNamespace()
        let query = SocketQuery(protocols: [.tcp], states: .listen)
        _ = try NetworkNamespaceScanner().namespaces().sweep { _, inspector in try inspector.sockets(matching: query) }
        let before = try LibraryResources.settled(home: home)
        for _ in 0..<100 {
            let sweep = try NetworkNamespaceScanner().namespaces().sweep { _, inspector in
                try inspector.sockets(matching: query).count
            }
            let ours = sweep.results.filter { trio.inodes.contains($0.namespace.inode) }
            #expect(ours.count == 3 && ours.allSatisfy { $0.value == 1 })
            #expect(ownNamespace() == home)
            var counts: [UInt64: Int] = [:]
            _ = try NetworkNamespaceScanner().namespaces().sweep(concurrency: 3) { _, inspector in
                try inspector.sockets(matching: query).count
            } deliver: { namespace, count in
                counts[namespace.inode] = count
            }
            #expect(trio.inodes.allSatisfy { counts[$0] == 1 })
            #expect(ownNamespace() == home)
        }
        let after = try LibraryResources.settled(home: home)
        #expect(before.libraryThreads.isEmpty && before.threadsElsewhere.isEmpty, "\(before)")
        #expect(after == before, "before: \(before); after: \(after)")
    }
}

/// The number of entries in /proc/self/fd, sampled until two readings agree (other threads of the test
/// process may open and close descriptors for a moment).
private func stableDescriptorCount() throws -> Int {
    var previous = try descriptorCount()
    for _ in 0..<50 {
        usleep(10_000)
        let current = try descriptorCount()
        if current == previous { return current }
        previous = current
    }
    return previous
}

private func descriptorCount() throws -> Int {
    guard let directory = opendir("/proc/self/fd") else { throw HelperError.system("opendir /proc/self/fd") }
    defer { closedir(directory) }
    var count = 0
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name != "." && name != ".." { count += 1 }
    }
    return count
}
