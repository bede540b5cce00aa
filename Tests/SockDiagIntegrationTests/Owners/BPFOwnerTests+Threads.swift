import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration.BPFOwners {
    /// A process with a listener on 127.0.0.1:8620 and four threads: three share its descriptor table (one renamed
    /// `holder-a`), one calls `unshare(CLONE_FILES)` and then opens a listener on 127.0.0.1:8621 that only its own
    /// table holds. Prints `private TID FD` and `ready PID FD NAMED TID…` (`holder-a`'s id, then the sharing
    /// threads' ids).
    static let threadsScript = """
        import ctypes, os, socket, threading
        libc = ctypes.CDLL(None, use_errno=True)
        shared = socket.socket(); shared.bind(("127.0.0.1", 8620)); shared.listen()
        started = threading.Barrier(5)
        tids, named = [], []
        def worker(name):
            if name: libc.prctl(15, name, 0, 0, 0); named.append(threading.get_native_id())
            tids.append(threading.get_native_id()); started.wait(); threading.Event().wait()
        def private():
            if libc.unshare(0x400) != 0: raise OSError(ctypes.get_errno(), "unshare(CLONE_FILES)")
            own = socket.socket(); own.bind(("127.0.0.1", 8621)); own.listen()
            print("private", threading.get_native_id(), own.fileno(), flush=True)
            started.wait(); threading.Event().wait()
        for name in (b"holder-a", None, None): threading.Thread(target=worker, args=(name,), daemon=True).start()
        threading.Thread(target=private, daemon=True).start()
        started.wait()
        print("ready", os.getpid(), shared.fileno(), *named, *tids, flush=True)
        threading.Event().wait()
        """

    /// A process whose main thread exits (`pthread_exit`) after starting a thread, leaving a listener on
    /// 127.0.0.1:8622 held only by that thread's table: the process is a zombie leader with a live thread.
    /// Prints `ready PID FD`.
    static let leaderExitedScript = """
        import ctypes, os, socket, threading
        s = socket.socket(); s.bind(("127.0.0.1", 8622)); s.listen()
        threading.Thread(target=lambda: threading.Event().wait()).start()
        print("ready", os.getpid(), s.fileno(), flush=True)
        ctypes.CDLL(None).pthread_exit(None)
        """

    @Test(
        "threads: -p lists a process once, not a thread's own table nor an exited main thread's; -T each thread; as ss",
        .enabled(if: Commands.ss != nil, "needs ss (iproute2)")
    )
    func threads() throws {
        let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
        let namespace = try TestNamespace()
        defer { namespace.remove() }
        let process = try BackgroundProcess.python(in: namespace, Self.threadsScript, label: "bpf-threads")
        defer { process.stop() }
        let ready = try process.line("ready")
        let privateThread = try process.line("private")
        try #require(ready.count == 6 && privateThread.count == 2, "\(process.stdout)")
        let (pid, fd, privateTID, privateFD) = (ready[0], ready[1], privateThread[0], privateThread[1])
        let leaderExited = try BackgroundProcess.python(in: namespace, Self.leaderExitedScript, label: "bpf-leader")
        defer { leaderExited.stop() }
        let (zombie, zombieFD) = try { (ready: [Int32]) in (ready[0], ready[1]) }(leaderExited.line("ready"))
        _ = try leaderExited.wait("the main thread's exit") { PreforkedServer.isRunning(zombie) ? nil : true }

        // -p: by process, as ss; the socket only a thread's own table holds has no process (ss: nothing).
        let rows = try OwnerSources.tcpRows(in: namespace)
        #expect(
            rows.map { "\($0.row.localPort) \($0.owners)" }
                == ["8620 [(\"python3\",pid=\(pid),fd=\(fd))]", "8621 []", "8622 []"],
            "\(rows)"
        )

        // -T: the walk (said under -v), every thread's table, each thread's own name; as ss -T.
        let threads = try namespace.exec([binary, "-tanT", "--json", "-v"])
        try #require(threads.status == 0, "\(threads)")
        #expect(threads.stderr.contains("processes: /proc walk, not BPF: thread descriptor tables"), "\(threads)")
        let ours = try ProcessColumn.sockdiagRows(threads.stdout).rows
        let theirs = try ProcessColumn.ssRows(try OwnerSources.ss(["-tanTH"], in: namespace))
        expectSame(ours, theirs, "sockdiag -T", "ss -T")
        let sharing = [pid] + ready[3...] + [privateTID]
        #expect(
            ours.first?.owners.map { "\($0.command) \($0.tid ?? 0) \($0.fd)" }
                == sharing.sorted().map { "\($0 == ready[2] ? "holder-a" : "python3") \($0) \(fd)" },
            "\(ours)"
        )
        #expect(ours[1].owners == [OwnerEntry(command: "python3", pid: pid, fd: privateFD, tid: privateTID)])
        #expect(ours[2].owners.map { "\($0.pid) \($0.fd) \($0.tid == zombie)" } == ["\(zombie) \(zombieFD) false"])

        // The library: BPF and the walk agree by process; the automatic choice takes the walk for threads.
        let inodes = try Self.inodes(in: namespace)
        let bpf = try SocketOwnerScanner(source: .bpf).owners(of: inodes)
        #expect(bpf.owners == (try SocketOwnerScanner(source: .proc).owners(of: inodes)).owners)
        #expect(bpf.owners.count == 1 && bpf.owners.first?.value.count == 1, "\(bpf.owners)")
        let walked = try SocketOwnerScanner().owners(of: inodes, threads: true)
        #expect(walked.report.source == .proc && walked.owners.values.map(\.count).sorted() == [1, 1, 5])
    }
}
