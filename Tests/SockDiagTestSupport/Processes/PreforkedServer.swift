import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A pre-forked TCP server in a test namespace: a Python master that listens on a port, then forks workers that
/// share the listener (each accepts and closes), as Apache's prefork or gunicorn do. Stop it with ``stop()`` in a
/// `defer`: SIGKILL to the master's and each worker's pid, nothing else.
package final class PreforkedServer: Sendable {
    /// `/usr/bin/python3` (or `/bin/python3`), when installed.
    package static let python: String? = ["/usr/bin/python3", "/bin/python3"].first { access($0, X_OK) == 0 }

    /// The master process.
    package let master: BackgroundProcess
    /// The workers' pids.
    package let workers: [pid_t]
    /// The workers' start times (field 22 of /proc/PID/stat), to tell a pid taken over by another process.
    private let startTimes: [pid_t: String]

    /// Every pid: the master's, then the workers'.
    package var pids: [pid_t] { [master.pid] + workers }

    private static let script = """
        import os, signal, socket, sys
        port, count, ignore = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
        if ignore: signal.signal(signal.SIGTERM, signal.SIG_IGN)
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", port)); s.listen(16)
        workers = []
        for _ in range(count):
            pid = os.fork()
            if pid == 0:
                while True:
                    c, _ = s.accept(); c.close()
            workers.append(pid)
        print(" ".join(map(str, workers)), flush=True)
        while True: signal.pause()
        """

    /// Starts the server in `namespace` on `port` with `workers` workers.
    /// - Parameter ignoringTerm: Whether master and workers ignore SIGTERM.
    package init(in namespace: TestNamespace, port: UInt16, workers count: Int, ignoringTerm: Bool = false) throws {
        guard let python = Self.python, let ip = Commands.ip else { throw HelperError("needs python3 and ip") }
        // `ip netns exec` execs the command without forking: the spawned pid is the master's.
        let master = try BackgroundProcess(
            ip,
            ["netns", "exec", namespace.name, python, "-c", Self.script, "\(port)", "\(count)",
             ignoringTerm ? "1" : "0"],
            label: "prefork-\(port)"
        )
        do {
            workers = try master.wait("the workers' pids", seconds: 10) { () -> [pid_t]? in
                let pids = master.stdout.split(whereSeparator: \.isWhitespace).compactMap { pid_t($0) }
                return pids.count == count && master.stdout.hasSuffix("\n") ? pids : nil
            }
        } catch {
            master.stop()
            throw error
        }
        self.master = master
        startTimes = Dictionary(uniqueKeysWithValues: workers.map { ($0, Self.stat($0)?.startTime ?? "") })
    }

    /// The state (field 3) and start time (field 22) of /proc/PID/stat, or nil when there is no such process.
    static func stat(_ pid: pid_t) -> (state: Substring, startTime: String)? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? (fields[0], String(fields[19])) : nil
    }

    /// Whether `pid` is still a running process (not exited, not a zombie).
    package static func isRunning(_ pid: pid_t) -> Bool {
        guard let state = stat(pid)?.state else { return false }
        return state != "Z" && state != "X"
    }

    /// Whether worker `pid` still runs (the same process: same start time).
    package func isRunning(worker pid: pid_t) -> Bool {
        Self.isRunning(pid) && Self.stat(pid)?.startTime == startTimes[pid]
    }

    /// SIGKILL to each worker's pid while it is still the same process, then the master's.
    package func stop() {
        for worker in workers where isRunning(worker: worker) { kill(worker, SIGKILL) }
        // Unreaped, the master's pid is still its own (a zombie keeps it).
        if master.exited == nil { kill(master.pid, SIGKILL) }
        master.stop()
    }
}
