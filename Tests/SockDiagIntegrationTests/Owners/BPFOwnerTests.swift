import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Whether the BPF owner iterator loads here.
let bpfOwnersAvailable = (try? SocketOwnerScanner(source: .bpf).owners(of: [1]).report.source) == .bpf

extension Integration {
    /// Owners from the BPF `task_file` iterator against the `/proc` walk: the same answer, the fallback, no leak.
    @Suite(
        .enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"),
        .enabled(if: bpfOwnersAvailable, "needs the BPF task_file iterator (root, kernel BTF)"),
        .enabled(if: PreforkedServer.python != nil, "needs python3")
    )
    struct BPFOwners {
        /// The inodes of every TCP and UDP socket in `namespace`.
        static func inodes(in namespace: TestNamespace) throws -> Set<UInt64> {
            let sockets = try namespace.inspector().sockets(
                matching: SocketQuery(protocols: [.tcp, .udp], states: .all)
            )
            return Set(sockets.map(\.inode)).subtracting([0])
        }

        @Test("the BPF iterator and the /proc walk give the same owners: dup'd, inherited and pre-forked sockets")
        func sameOwnersAsProc() throws {
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            // Several descriptors per socket in this process.
            let dups = population.fds.enumerated().filter { $0.offset % 3 == 0 }.map { dup($0.element) }
            defer { for fd in dups { close(fd) } }
            // Several processes per socket: two that inherit some, a master and its workers that share a listener.
            let sleep = try #require(Commands.find("sleep"))
            let holders = try (0..<2).map { index in
                try BackgroundProcess(
                    sleep,
                    ["60"],
                    label: "bpf-holder-\(index)",
                    passing: Array(population.fds.prefix(3 + index))
                )
            }
            defer { for holder in holders { holder.stop() } }
            let server = try PreforkedServer(in: namespace, port: 8600, workers: 3)
            defer { server.stop() }

            let inodes = try Self.inodes(in: namespace)
            let proc = try SocketOwnerScanner(source: .proc).owners(of: inodes)
            let bpf = try SocketOwnerScanner(source: .bpf).owners(of: inodes)
            #expect(proc.report.source == .proc && bpf.report.source == .bpf)
            expectSame(Self.flat(bpf.owners), Self.flat(proc.owners), "bpf", "proc")
            #expect(bpf.owners == proc.owners)
            // The table of every socket (the every-socket path of -p) answers the same from either source.
            let bpfTable = try SocketOwnerScanner(source: .bpf).allOwners()
            let procTable = try SocketOwnerScanner(source: .proc).allOwners()
            #expect(bpfTable.report.source == .bpf && procTable.report.source == .proc)
            for table in [bpfTable, procTable] {
                let inNamespace = table.ownersByInode.filter { inodes.contains($0.key) }
                expectSame(Self.flat(inNamespace), Self.flat(proc.owners), "table (\(table.report.source))", "proc")
                #expect(inNamespace == proc.owners)
                for inode in inodes { #expect(table.owners(of: inode) == proc.owners[inode, default: []]) }
            }
            #expect(bpfTable.owners(of: 0).isEmpty)

            // Independently of /proc: the shapes the population was built with.
            let listener = try #require(
                try namespace.inspector().sockets(matching: SocketQuery(protocols: [.tcp], states: [.listen])).first {
                    $0.local.port == 8600
                }
            )
            #expect(Set(bpf.owners[listener.inode, default: []].map(\.pid)) == Set(server.pids))
            var status = stat()
            try #require(fstat(population.fds[0], &status) == 0)
            let first = bpf.owners[UInt64(status.st_ino), default: []]
            #expect(first.filter { $0.pid == getpid() }.count == 2, "\(first)")
            #expect(holders.allSatisfy { holder in first.contains { $0.pid == holder.pid && $0.command == "sleep" } })

            // The automatic choice takes the iterator; -T and another /proc root take the walk, saying why.
            #expect(try SocketOwnerScanner().owners(of: inodes).report.source == .bpf)
            let threads = try SocketOwnerScanner().owners(of: inodes, threads: true)
            #expect(threads.report.source == .proc && threads.report.bpfUnavailable != nil)
            #expect(throws: SockDiagError.self) {
                try SocketOwnerScanner(source: .bpf).owners(of: inodes, threads: true)
            }
        }

        @Test("sockdiag -tanp prints the same rows with SOCKDIAG_OWNERS=bpf, =proc and =storage, and -v says which")
        func cliSameRows() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            let server = try PreforkedServer(in: namespace, port: 8600, workers: 2)
            defer { server.stop() }

            let bpf = try namespace.exec(["/usr/bin/env", "SOCKDIAG_OWNERS=bpf", binary, "-tanp", "-v"])
            let proc = try namespace.exec(["/usr/bin/env", "SOCKDIAG_OWNERS=proc", binary, "-tanp"])
            try #require(bpf.status == 0 && proc.status == 0, "\(bpf) \(proc)")
            #expect(bpf.stdout == proc.stdout)
            #expect(bpf.stdout.contains("pid=\(server.master.pid),fd=3)"))
            #expect(bpf.stderr.contains("processes: BPF task_file iterator for"), "\(bpf)")
            // An unfiltered listing streams its rows after a table of every socket; a filtered one keeps its rows
            // and looks for their inodes. Same rows either way, from either source. (On a machine with 65 536 open
            // files and more, the table of every socket descriptor is for a namespace that holds an eighth of them:
            // this one keeps its rows.)
            let path = try OpenFiles.now() < 65_536 ? "for every socket (" : "(rows kept)"
            #expect(bpf.stderr.contains(path), "\(bpf)")
            let narrow = ["-tanp", "-v", "sport >= :0"]
            let narrowBPF = try namespace.exec(["/usr/bin/env", "SOCKDIAG_OWNERS=bpf", binary] + narrow)
            let narrowProc = try namespace.exec(["/usr/bin/env", "SOCKDIAG_OWNERS=proc", binary] + narrow)
            #expect(narrowBPF.stdout == bpf.stdout && narrowProc.stdout == bpf.stdout)
            #expect(narrowBPF.stderr.contains("socket inodes (rows kept)"), "\(narrowBPF)")
            #expect(narrowProc.stderr.contains("/proc walk of") && narrowProc.stderr.contains("(rows kept)"))
            // The owners kept on the sockets in the kernel: the same text.
            let storage = try namespace.exec(["/usr/bin/env", "SOCKDIAG_OWNERS=storage", binary, "-tanp", "-v"])
            #expect(storage.status == 0 && storage.stdout == bpf.stdout, "\(storage)")
            #expect(storage.stderr.contains("owners kept on the namespace's sockets in the kernel"), "\(storage)")
            let procVerbose = try namespace.exec(["/usr/bin/env", "SOCKDIAG_OWNERS=proc", binary, "-tanp", "-v"])
            #expect(procVerbose.stderr.contains(path), "\(procVerbose)")
            let json = ["-tanp", "--json"]
            let jsonBPF = try namespace.exec(["/usr/bin/env", "SOCKDIAG_OWNERS=bpf", binary] + json)
            let jsonNarrow = try namespace.exec(
                ["/usr/bin/env", "SOCKDIAG_OWNERS=proc", binary] + json + ["sport >= :0"]
            )
            // Without the timers' remaining times (TIME_WAIT's count down between the two runs).
            let timeless = { (text: String) in
                text.replacingOccurrences(of: #""expires_ms":[0-9]+"#, with: "", options: .regularExpression)
            }
            #expect(jsonBPF.status == 0 && jsonBPF.stdout.contains("\"process\":[{"))
            expectSame(
                timeless(jsonBPF.stdout).split(separator: "\n").map(String.init),
                timeless(jsonNarrow.stdout).split(separator: "\n").map(String.init),
                "every socket",
                "wanted inodes"
            )
            let bad = try namespace.exec(["/usr/bin/env", "SOCKDIAG_OWNERS=both", binary, "-tanp"])
            #expect(
                bad.status == 2
                    && bad.stderrLines == ["sockdiag: SOCKDIAG_OWNERS must be auto, proc, bpf or storage, not 'both'"],
                "\(bad)"
            )
        }

        @Test(
            "as nobody: the automatic choice falls back to /proc silently with the caller's own owners; bpf is refused",
            .enabled(if: UnprivilegedSockdiag.canRun, "needs root, setpriv, the user nobody and the group nogroup")
        )
        func unprivilegedFallback() throws {
            let nobody = try UnprivilegedSockdiag()
            defer { nobody.remove() }
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let python = try #require(PreforkedServer.python)
            let ip = try #require(Commands.ip)
            let setpriv = try #require(Commands.find("setpriv"))
            let script = """
                import socket, time
                s = socket.socket(); s.bind(("127.0.0.1", 8601)); s.listen()
                print("ready", flush=True); time.sleep(60)
                """
            // `ip netns exec` and setpriv exec: the spawned pid is python's.
            let listener = try BackgroundProcess(
                ip,
                [
                    "netns", "exec", namespace.name, setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                    python, "-c", script,
                ],
                label: "bpf-nobody"
            )
            defer { listener.stop() }
            _ = try listener.wait("the listener", seconds: 10) { listener.stdout == "ready\n" ? true : nil }

            let result = try namespace.exec(nobody.command(["-tlnp", "-v", "sport = :8601"]))
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("users:((\"python3\",pid=\(listener.pid),fd=3))"), "\(result)")
            #expect(
                result.stderr.contains(
                    "processes: /proc walk, not BPF: neither CAP_SYS_ADMIN nor CAP_BPF and CAP_PERFMON"
                ),
                "\(result)"
            )
            let forced = try namespace.exec(["/usr/bin/env", "SOCKDIAG_OWNERS=bpf"] + nobody.command(["-tlnp"]))
            #expect(forced.status != 0 && forced.stderr.contains("the BPF owner iterator cannot be used"), "\(forced)")
        }

        /// This process's descriptors for BPF objects (`anon_inode:bpf-map`, `bpf-prog`, `bpf_link`, `bpf_iter`):
        /// only these tests create any, so the count does not move with other suites' files and sockets.
        static func bpfDescriptors() throws -> Int {
            try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").filter { fd in
                let link = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")) ?? ""
                return link.hasPrefix("anon_inode:bpf")
            }.count
        }

        // 1,000 runs of the iterator: each walks every descriptor of the machine in-kernel (about 1 s on this
        // machine with 10,000 open files; proportionally longer while a benchmark population holds 100,000).
        @Test("1,000 scans on one scanner and 50 scanners released: no BPF descriptor is left open")
        func noLeak() throws {
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            let inodes = try Self.inodes(in: namespace)
            let before = try Self.bpfDescriptors()
            #expect(before == 0)
            let scanner = SocketOwnerScanner(source: .bpf)
            var counts: Set<Int> = []
            for round in 0..<1_000 {
                // Alternate the wanted set so that the map is emptied and refilled.
                let wanted = round % 2 == 0 ? inodes : Set(inodes.prefix(3))
                counts.insert(try scanner.owners(of: wanted).owners.count)
                // Now and then the table of every socket (its own program and link, kept too).
                if round % 50 == 0 { #expect(try scanner.allOwners().descriptorCount >= inodes.count) }
            }
            #expect(counts == [inodes.count, 3] || counts.count == 2, "\(counts)")
            for index in 0..<50 {
                let released = SocketOwnerScanner(source: .bpf)
                if index % 5 == 0 { _ = try released.allOwners() } else { _ = try released.owners(of: inodes) }
            }
            // The kept scanner holds two programs with their links and a map each (6 descriptors); released, none.
            let kept = try Self.bpfDescriptors()
            _ = consume scanner
            let released = try Self.bpfDescriptors()
            #expect(kept == 6 && released == 0, "kept \(kept), released \(released)")
        }

        static func flat(_ owners: [UInt64: [SocketOwner]]) -> [String] {
            owners.flatMap { inode, list in list.map { "\(inode) \($0.command) \($0.pid) \($0.fd)" } }.sorted()
        }
    }
}
