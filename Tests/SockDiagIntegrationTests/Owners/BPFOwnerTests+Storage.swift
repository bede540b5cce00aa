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
        let before = try Self.bpfDescriptors()
        try compareStoredOwners()
        // Every run's map closed with its storage object; nothing else of a run stays open.
        #expect(try Self.bpfDescriptors() == before)
    }

    /// The body of ``storedOwners()``.
    private func compareStoredOwners() throws {
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

    @Test("sockets the kernel keeps no record on (net.core.optmem_max 0 in their namespace) still list their owners")
    func storageRefused() throws {
        let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
        let (namespace, population) = try Population.inNewNamespace()
        defer { namespace.remove() }
        defer { population.close() }
        // The option memory a socket may have: a record is charged to it, so none fits.
        try #require(try namespace.exec(["sysctl", "-q", "-w", "net.core.optmem_max=0"]).status == 0)
        let table = try namespace.exec(["/usr/bin/env", "SOCKDIAG_OWNERS=bpf", binary, "-tanp"])
        let stored = try namespace.exec(["/usr/bin/env", "SOCKDIAG_OWNERS=storage", binary, "-tanp", "-v"])
        try #require(table.status == 0 && stored.status == 0, "\(table) \(stored)")
        let owned = table.stdout.split(separator: "\n").filter { $0.contains("users:((") }.count
        #expect(owned >= 10, "the population's sockets are held by this process: \(table.stdout)")
        #expect(stored.stdout == table.stdout)
        // Every owner came back through user space.
        #expect(stored.stderr.contains("BPF socket storage; \(owned) kept here"), "\(stored)")
    }

    @Test("-p with UDP or UNIX sockets takes the table: their replies carry no socket storage; -v says why")
    func storedOwnersTCPOnly() throws {
        let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
        let (namespace, population) = try Population.inNewNamespace()
        defer { namespace.remove() }
        defer { population.close() }
        for options in [["-tuanp"], ["-uanp"], ["-txanp"]] {
            let auto = try namespace.exec([binary] + options + ["-v"])
            let table = try namespace.exec(["/usr/bin/env", "SOCKDIAG_OWNERS=bpf", binary] + options)
            #expect(auto.status == 0 && auto.stdout == table.stdout, "\(options): \(auto)")
            if options[0].contains("u") {
                // The population's UDP sockets, with their owner (none before UDP went to the table).
                #expect(auto.stdout.contains(":7000 ") && !auto.stdout.contains("no process found"), "\(auto)")
            }
            #expect(auto.stderr.contains("processes: owners not kept on the sockets: "), "\(auto)")
            let forced = try namespace.exec(["/usr/bin/env", "SOCKDIAG_OWNERS=storage", binary] + options)
            #expect(forced.status == 2 && forced.stderrLines.count == 1, "\(forced)")
        }
        let forced = try namespace.exec(["/usr/bin/env", "SOCKDIAG_OWNERS=storage", binary, "-tanp", "-v"])
        let table = try namespace.exec(["/usr/bin/env", "SOCKDIAG_OWNERS=bpf", binary, "-tanp"])
        #expect(forced.stderr.contains("owners kept on the namespace's sockets in the kernel"), "\(forced)")
        #expect(forced.status == 0 && forced.stdout == table.stdout)
        // By default, only where the table would be large: 524 288 open files on the machine, and more.
        let files = try OpenFiles.now()
        let tcp = try namespace.exec([binary, "-tanp", "-v"])
        #expect(tcp.stdout == table.stdout)
        if files < 500_000 {
            #expect(tcp.stderr.contains("open files, fewer than 524288: the table is small, and faster"), "\(tcp)")
        } else if files > 550_000 {
            #expect(tcp.stderr.contains("owners kept on the namespace's sockets in the kernel"), "\(tcp)")
        }
    }
}
