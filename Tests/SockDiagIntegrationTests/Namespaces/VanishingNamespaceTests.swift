import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// Namespaces that go away between a scan and its sweep, or during it, are counted as vanished and leave
    /// nothing open: an agent sweeps every second for months while containers come and go.
    @Suite(.enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"))
    struct VanishingNamespaces {
        static let query = SocketQuery(protocols: [.tcp], states: .listen)

        static func home() -> UInt64 {
            var status = stat()
            return stat("/proc/thread-self/ns/net", &status) == 0 ? UInt64(status.st_ino) : 0
        }

        /// Four named namespaces and a process (`unshare -n sleep`) in an unnamed one, found by a scan.
        static func scanned() throws
            -> (named: [TestNamespace], process: BackgroundProcess, scan: NetworkNamespaceScan)
        {
            var named: [TestNamespace] = []
            do {
                for _ in 0..<4 { named.append(try TestNamespace()) }
                let process = try BackgroundProcess("/usr/bin/unshare", ["-n", "sleep", "60"], label: "vanishing")
                let inode = try process.wait("the process's own namespace") { () -> UInt64? in
                    var status = stat()
                    guard stat("/proc/\(process.pid)/ns/net", &status) == 0, UInt64(status.st_ino) != home() else {
                        return nil
                    }
                    return UInt64(status.st_ino)
                }
                let scan = try NetworkNamespaceScanner().namespaces()
                let found = Set(scan.namespaces.map(\.name)).intersection(named.map(\.name)).count
                guard found == 4, scan.namespaces.contains(where: { $0.inode == inode }) else {
                    process.stop()
                    throw HelperError("the scan missed a test namespace: \(scan.namespaces)")
                }
                return (named, process, scan)
            } catch {
                for namespace in named { namespace.remove() }
                throw error
            }
        }

        @Test("Namespaces deleted and a process killed between the scan and the sweep: vanished, nothing left open")
        func deletedBeforeTheSweep() throws {
            try Self.leavesNothing { concurrency, named, process, scan in
                for namespace in named { namespace.remove() }
                process.stop()
                let ours = Set(named.map(\.name))
                let mine = NetworkNamespaceScan(
                    namespaces: scan.namespaces.filter {
                        ($0.name.map(ours.contains) ?? false) || $0.processID == process.pid
                    }
                )
                let sweep = try Self.sweep(mine, concurrency: concurrency) { _ in }
                #expect(
                    sweep.vanished == 5 && sweep.results.isEmpty && sweep.skipped.isEmpty,
                    "concurrency \(concurrency)"
                )
            }
        }

        @Test("A namespace deleted from inside the sweep of another, and one deleting itself: nothing left open")
        func deletedDuringTheSweep() throws {
            try Self.leavesNothing { concurrency, named, _, scan in
                // In the order first, self-deleting, other, victim: the victim comes in the second batch of three.
                let order = named.map { namespace in scan.namespaces.first { $0.name == namespace.name }! }
                let ordered = NetworkNamespaceScan(namespaces: order)
                let sweep = try Self.sweep(ordered, concurrency: concurrency) { namespace in
                    if namespace.name == named[0].name { named[3].remove() }
                    if namespace.name == named[1].name { named[1].remove() }
                }
                #expect(sweep.vanished == 1 && sweep.skipped.isEmpty, "concurrency \(concurrency)")
                #expect(sweep.results.map(\.namespace.name) == named[0..<3].map(\.name), "concurrency \(concurrency)")
            }
        }

        /// Runs `body` with a fresh ``scanned()`` for a sweep one at a time (`concurrency` 0) and one three at
        /// once, removes the namespaces and stops the process, then expects the library to hold what it held before.
        static func leavesNothing(
            _ body: (Int, [TestNamespace], BackgroundProcess, NetworkNamespaceScan) throws -> Void
        ) throws {
            let home = home()
            let before = try LibraryResources.settled(home: home)
            for concurrency in [0, 3] {
                let (named, process, scan) = try scanned()
                defer { for namespace in named { namespace.remove() } }
                defer { process.stop() }
                try body(concurrency, named, process, scan)
            }
            let after = try LibraryResources.settled(home: home)
            #expect(after == before, "before: \(before); after: \(after)")
        }

        /// Sweeps `scan` one at a time (`concurrency` 0) or side by side, calling `during` in each namespace before
        /// its query.
        static func sweep(
            _ scan: NetworkNamespaceScan,
            concurrency: Int,
            during: @escaping @Sendable (NetworkNamespace) -> Void
        ) throws -> NetworkNamespaceSweep<Void> {
            guard concurrency > 0 else {
                return try scan.sweep { namespace, inspector in
                    during(namespace)
                    _ = try inspector.sockets(matching: query)
                }
            }
            return try scan.sweep(concurrency: concurrency) { namespace, inspector in
                during(namespace)
                return try inspector.sockets(matching: query).count
            } deliver: { _, _ in }
        }
    }
}
