import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration.BPFOwners {
    /// A sender that passes a TCP listener and one end of a UNIX socket pair to a child over a UNIX socket
    /// (`SCM_RIGHTS`) and keeps its own descriptors until SIGUSR1. The child is forked before the sockets exist,
    /// so it holds them only by receiving them; it exits when the sender does (its control socket reads EOF).
    /// Prints `ready SENDER RECEIVER` and, as `fd` and `inode` lines, the descriptors and inodes of: the
    /// sender's listener and passed socket, the receiver's, the control pair (sender, receiver) and the kept end.
    static let passingScript = """
        import os, signal, socket
        control, other = socket.socketpair()
        child = os.fork()
        if child == 0:
            control.close()
            _, fds, _, _ = socket.recv_fds(other, 16, 4)
            other.sendall((" ".join(map(str, fds)) + "\\n").encode())
            other.recv(1)
            os._exit(0)
        other_fd, other_inode = other.fileno(), os.fstat(other.fileno()).st_ino
        other.close()
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 8610)); listener.listen()
        passed, kept = socket.socketpair()
        socket.send_fds(control, [b"x"], [listener.fileno(), passed.fileno()])
        received = list(map(int, control.recv(64).split()))
        fds = [listener.fileno(), passed.fileno()] + received + [control.fileno(), other_fd, kept.fileno()]
        inodes = [os.fstat(f).st_ino for f in (listener.fileno(), passed.fileno(), control.fileno(), kept.fileno())]
        def close_passed(*_):
            listener.close(); passed.close(); print("closed", flush=True)
        signal.signal(signal.SIGUSR1, close_passed)
        print("fd", *fds, flush=True)
        print("inode", inodes[0], inodes[1], inodes[2], other_inode, inodes[3], flush=True)
        print("ready", os.getpid(), child, flush=True)
        while True: signal.pause()
        """

    @Test(
        "a descriptor passed over a UNIX socket: both holders, then the receiver only; BPF = /proc walk = ss",
        .enabled(if: Commands.ss != nil, "needs ss (iproute2)")
    )
    func passedDescriptor() throws {
        let namespace = try TestNamespace()
        defer { namespace.remove() }
        let sender = try BackgroundProcess.python(in: namespace, Self.passingScript, label: "bpf-passing")
        var receiverPID: pid_t = 0
        defer {
            if receiverPID > 0 && PreforkedServer.isRunning(receiverPID) { kill(receiverPID, SIGKILL) }
            sender.stop()
        }
        let pids = try sender.line("ready")
        receiverPID = pids[1]
        let fds = try sender.line("fd")
        let inodes = try sender.line("inode").map { UInt64($0) }
        try #require(pids.count == 2 && fds.count == 7 && inodes.count == 5, "\(sender.stdout)")
        let (listener, passed, control, other, kept) = (inodes[0], inodes[1], inodes[2], inodes[3], inodes[4])
        func owner(_ pid: pid_t, _ fd: Int32) -> OwnerEntry { OwnerEntry(command: "python3", pid: pid, fd: fd) }
        let (senderOwner, receiverOwner) = (owner(pids[0], fds[0]), owner(pids[1], fds[2]))

        let before = try OwnerSources.tcpRows(in: namespace)
        #expect(before.map(\.owners) == [[senderOwner, receiverOwner]], "\(before)")
        var unix = try OwnerSources.unixOwners(in: namespace)
        #expect(unix[passed] == [owner(pids[0], fds[1]), owner(pids[1], fds[3])], "\(unix)")
        #expect(unix[control] == [owner(pids[0], fds[4])] && unix[other] == [owner(pids[1], fds[5])], "\(unix)")
        #expect(unix[kept] == [owner(pids[0], fds[6])] && unix.count == 4, "\(unix)")
        // The library, both sources.
        let wanted: Set<UInt64> = [listener, passed, control, other, kept]
        let bpf = try SocketOwnerScanner(source: .bpf).owners(of: wanted)
        #expect(bpf.owners == (try SocketOwnerScanner(source: .proc).owners(of: wanted)).owners)
        #expect(bpf.owners[listener]?.map(\.pid) == pids && bpf.report.source == .bpf)

        // The sender closes what it passed: the receiver alone holds it.
        kill(pids[0], SIGUSR1)
        _ = try sender.line("closed")
        let after = try OwnerSources.tcpRows(in: namespace)
        #expect(after.map(\.owners) == [[receiverOwner]], "\(after)")
        unix = try OwnerSources.unixOwners(in: namespace)
        #expect(unix[passed] == [owner(pids[1], fds[3])] && unix[kept] == [owner(pids[0], fds[6])], "\(unix)")
    }
}
