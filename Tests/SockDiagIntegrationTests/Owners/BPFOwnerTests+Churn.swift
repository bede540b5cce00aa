import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration.BPFOwners {
    /// A long-lived holder of a listener on 127.0.0.1:8630 and of both ends of a connection to it, that keeps 16
    /// short-lived children alive until SIGUSR1: each inherits the three sockets, opens a listener of its own and
    /// a connection to it (each also duplicated to descriptors 100 and 101), and exits within 50 to 500 ms. Prints
    /// `fd L C A`, `inode L C A`, `ready PID`, a `child PID` line for each child, and `done` once the last has
    /// been reaped after SIGUSR1.
    static let churnScript = """
        import os, random, signal, socket, time
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 8630)); listener.listen(64)
        client = socket.create_connection(("127.0.0.1", 8630)); accepted, _ = listener.accept()
        held = [listener.fileno(), client.fileno(), accepted.fileno()]
        stop = False
        def on_usr1(*_):
            global stop; stop = True
        signal.signal(signal.SIGUSR1, on_usr1)
        print("fd", *held, flush=True)
        print("inode", *[os.fstat(f).st_ino for f in held], flush=True)
        print("ready", os.getpid(), flush=True)
        children = set()
        while not stop:
            while len(children) < 16:
                pid = os.fork()
                if pid == 0:
                    own = socket.socket(); own.bind(("127.0.0.1", 0)); own.listen()
                    os.dup2(own.fileno(), 100)
                    peer = socket.create_connection(own.getsockname()); os.dup2(peer.fileno(), 101)
                    time.sleep(0.05 + random.random() * 0.45)
                    os._exit(0)
                print("child", pid, flush=True)
                children.add(pid)
            children.discard(os.wait()[0])
        for pid in children: os.waitpid(pid, 0)
        print("done", flush=True)
        while True: signal.pause()
        """

    /// What the scans said about each socket, and the check that every owner they named holds it.
    struct Sightings {
        /// One scan's owners of one socket.
        struct Seen: CustomStringConvertible {
            var source: String
            var inode: UInt64
            var port: UInt16
            var owners: [OwnerEntry]

            var description: String { "\(source): inode \(inode) port \(port) \(owners)" }
        }

        /// The long-lived holder, its three descriptors and their inodes.
        let holder: pid_t
        let held: [Int32]
        let heldInodes: [UInt64]
        var seen: [Seen] = []

        mutating func add(_ source: String, _ inode: UInt64, _ port: UInt16, _ owners: [OwnerEntry]) {
            seen.append(Seen(source: source, inode: inode, port: port, owners: owners))
        }

        /// Whether a child's own socket was seen with its owner: the scans overlapped the children's lives.
        var sawChild: Bool { seen.contains { $0.inode != 0 && !heldInodes.contains($0.inode) && !$0.owners.isEmpty } }

        /// Expects every owner seen to be the holder or one of `children` holding the socket under the descriptor
        /// it has, and the holder always listed for its sockets.
        func expectHeld(children: Set<pid_t>) {
            for row in seen {
                let heldIndex = heldInodes.firstIndex(of: row.inode)
                if let heldIndex {
                    let owner = OwnerEntry(command: "python3", pid: holder, fd: held[heldIndex])
                    #expect(row.owners.contains(owner), "\(row)")
                }
                for owner in row.owners {
                    let inherited = heldIndex.map {
                        owner.fd == held[$0] && (owner.pid == holder || children.contains(owner.pid))
                    }
                    // A child's own socket: neither the holder's sockets nor port 8630's.
                    let own = children.contains(owner.pid) && !held.contains(owner.fd) && row.port != 8630
                    #expect(owner.command == "python3" && (inherited ?? own), "\(owner) does not hold \(row)")
                }
            }
        }
    }

    @Test("processes that exit during the scan: no error, no owner that does not hold the socket, every source")
    func exitingProcesses() throws {
        let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
        let namespace = try TestNamespace()
        defer { namespace.remove() }
        let churn = try BackgroundProcess.python(in: namespace, Self.churnScript, label: "bpf-churn")
        defer { churn.stop() }
        let holder = try churn.line("ready")[0]
        var sightings = Sightings(
            holder: holder,
            held: try churn.line("fd"),
            heldInodes: try churn.line("inode").map { UInt64($0) }
        )
        let inspector = try namespace.inspector()
        let scanners = [SocketOwnerScanner(source: .bpf), SocketOwnerScanner(source: .proc)]
        // Processes the walk cannot read on this machine (a container's pid 1): exiting ones must not add to them.
        let unreadable = try scanners[1].owners(of: Set(sightings.heldInodes)).report.processesUnreadable
        var runs = 0
        let (deadline, limit) = (Date().addingTimeInterval(3), Date().addingTimeInterval(30))
        while (Date() < deadline || runs < 4 || !sightings.sawChild) && Date() < limit {
            let source = runs % 2 == 0 ? "bpf" : "proc"
            // The CLI also with the owners kept on the sockets in the kernel, every third run.
            let cli = runs % 3 == 2 ? "storage" : source
            let result = try namespace.exec(["/usr/bin/env", "SOCKDIAG_OWNERS=\(cli)", binary, "-tanp", "--json"])
            try #require(result.status == 0 && !result.signaled && OwnerSources.quiet(result), "\(cli): \(result)")
            for socket in try ProcessColumn.sockdiagRows(result.stdout).sockets {
                sightings.add(cli, socket.inode, socket.local.port, socket.process ?? [])
            }
            // The library, one scanner per source kept across scans as an agent keeps it.
            let sockets = try inspector.sockets(matching: SocketQuery(protocols: [.tcp], states: .all))
            let scan = try scanners[runs % 2].owners(of: Set(sockets.map(\.inode)))
            #expect(scan.report.source.rawValue == source && scan.report.processesUnreadable <= unreadable)
            for socket in sockets {
                let owners = scan.owners[socket.inode, default: []]
                let entries = owners.map { OwnerEntry(command: $0.command, pid: $0.pid, fd: $0.fd) }
                sightings.add("library \(source)", socket.inode, socket.local.port, entries)
            }
            runs += 1
        }
        kill(holder, SIGUSR1)
        _ = try churn.line("done")
        let lines = churn.stdout.split(separator: "\n")
        let children = Set(lines.filter { $0.hasPrefix("child ") }.compactMap { pid_t($0.dropFirst(6)) })
        try #require(children.count > 16, "\(children.count) children")
        sightings.expectHeld(children: children)
        #expect(sightings.sawChild, "\(runs) scans, \(children.count) children, \(sightings.seen.count) sockets seen")
    }
}
