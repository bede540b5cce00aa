import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration.BPFOwners {
    /// The TCP sockets of `namespace` read with `storage` in the query.
    static func sockets(in namespace: TestNamespace, storage: SocketOwnerStorage?) throws -> [Socket] {
        var query = SocketQuery(protocols: [.tcp], states: .all)
        query.owners = storage
        return try namespace.inspector().sockets(matching: query)
    }

    @Test("owners kept on the sockets in the kernel: the table's answer, past four owners, one map per run")
    func storedOwners() throws {
        let (namespace, population) = try Population.inNewNamespace()
        defer { namespace.remove() }
        defer { population.close() }
        // The master and five workers hold the listener: two owners past the four kept on the socket.
        let server = try PreforkedServer(in: namespace, port: 8610, workers: 5)
        defer { server.stop() }
        let scanner = SocketOwnerScanner(source: .bpf)
        let storage = try namespace.onThread { try scanner.attachOwners() }
        let table = try scanner.allOwners()
        let sockets = try Self.sockets(in: namespace, storage: storage)
        #expect(storage.report.source == .bpf && storage.overflowCount >= 2)
        var overflowing = 0
        for socket in sockets where socket.inode != 0 {
            #expect(storage.owners(of: socket) == table.owners(of: socket.inode), "\(socket.local)")
            if (socket.storedOwners?.count ?? 0) > 4 { overflowing += 1 }
        }
        #expect(overflowing >= 1)
        let listener = try #require(sockets.first { $0.local.port == 8610 && $0.state == .listen })
        #expect(storage.owners(of: listener).map(\.pid) == server.pids.sorted())

        // A second run has its own map: the same answer, each dump reading its own.
        let second = try namespace.onThread { try scanner.attachOwners() }
        for socket in try Self.sockets(in: namespace, storage: second) where socket.inode != 0 {
            #expect(second.owners(of: socket) == table.owners(of: socket.inode))
        }
        // A run for another namespace (the test's own) keeps nothing on this one's sockets.
        let elsewhere = try scanner.attachOwners()
        #expect(try Self.sockets(in: namespace, storage: elsewhere).allSatisfy { $0.storedOwners == nil })
        // Without a storage in the query, no record.
        #expect(try Self.sockets(in: namespace, storage: nil).allSatisfy { $0.storedOwners == nil })
    }
}
