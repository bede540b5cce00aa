import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// This process's hard `RLIMIT_NOFILE`, which its children inherit.
let hardDescriptorLimit: UInt64 = {
    var limit = rlimit()
    return getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 ? UInt64(limit.rlim_max) : 0
}()

extension Integration.BPFOwners {
    /// More than `TOTAL` open descriptors that are not sockets: a process fills its descriptor table up to its
    /// limit with `/dev/null` and forks enough children to share that many (fork copies the table), then one more
    /// child (the last pid) opens a listener on 127.0.0.1:8650. Prints `ready HOLDER FD CHILD…`.
    static let manyDescriptorsScript = """
        import os, resource, signal, socket, sys
        total = int(sys.argv[1])
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        null = os.open("/dev/null", os.O_RDONLY)
        for fd in range(null + 1, hard - 16): os.dup2(null, fd)
        children = []
        for index in range(total // (hard - 16) + 2):
            r, w = os.pipe()
            pid = os.fork()
            if pid == 0:
                if index == total // (hard - 16) + 1:
                    for fd in range(null, hard - 16): os.close(fd)
                    s = socket.socket(); s.bind(("127.0.0.1", 8650)); s.listen()
                    os.write(w, str(s.fileno()).encode())
                else:
                    os.write(w, b"0")
                signal.pause(); os._exit(0)
            fd = int(os.read(r, 16)); os.close(r); os.close(w)
            children.append(pid)
        print("ready", children[-1], fd, *children[:-1], flush=True)
        signal.pause()
        """

    // The kernel's bpf_seq_read returns EAGAIN after visiting 1,000,000 objects without writing any (kernel
    // MAX_ITER_OBJECTS): a read must then be retried, not taken for a failure. About 3 s for the million
    // descriptors (creating them, two in-kernel visits of each); the /proc walk over them would take a minute
    // here, so only the BPF source runs.
    @Test(
        "more than a million descriptors before the first owner: the iterator resumes after EAGAIN",
        .enabled(if: hardDescriptorLimit >= 8192, "needs a hard RLIMIT_NOFILE of 8192 or more (at most 130 processes)")
    )
    func millionDescriptors() throws {
        let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
        let namespace = try TestNamespace()
        defer { namespace.remove() }
        let holder = try BackgroundProcess.python(
            in: namespace,
            Self.manyDescriptorsScript,
            ["1050000"],
            label: "bpf-million"
        )
        var pids: [Int32] = []
        defer {
            // The children first, each still running (pause()d), then the parent.
            for pid in pids where PreforkedServer.isRunning(pid) { kill(pid, SIGKILL) }
            holder.stop()
        }
        pids = try holder.line("ready", seconds: 60)
        let (owner, fd) = (pids[0], pids[1])
        try #require(pids.dropFirst(2).allSatisfy { $0 < owner }, "the listener's holder must be visited last: \(pids)")

        // No process holds this inode: the iterator writes nothing at all.
        let none = try SocketOwnerScanner(source: .bpf).owners(of: [UInt64(Int64.max)])
        #expect(none.owners.isEmpty && none.report.source == .bpf)
        let result = try namespace.exec(["/usr/bin/env", "SOCKDIAG_OWNERS=bpf", binary, "-tlnpH"])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result)")
        #expect(result.stdout.hasSuffix(" users:((\"python3\",pid=\(owner),fd=\(fd)))\n"), "\(result)")
    }
}
