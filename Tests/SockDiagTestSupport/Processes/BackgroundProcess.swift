import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A long-running child (the exporter, Prometheus) with its output in temporary files, stopped by its PID.
///
/// Spawned with `posix_spawn` and an empty signal mask and default signal actions: the test runner's threads block
/// most signals, and a child inherits that (it would then ignore SIGTERM). Call ``stop()`` in a `defer`: SIGTERM to
/// this child's PID only, a wait of up to 5 s, then SIGKILL.
package final class BackgroundProcess: @unchecked Sendable {
    package let label: String
    /// The child's PID.
    package let pid: pid_t
    private let stdoutPath: String
    private let stderrPath: String
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `executable` with `arguments`, standard input from /dev/null.
    /// - Parameter descriptors: When not empty, the child gets these descriptors as 3, 4, … and no other (it
    ///   holds them: an owner for `-p`); otherwise it inherits what the runner has open.
    package init(_ executable: String, _ arguments: [String], label: String, passing descriptors: [Int32] = []) throws {
        self.label = label
        let stem = FileManager.default.temporaryDirectory
            .appendingPathComponent("sockdiag-integration-\(getpid())-\(label)-\(UUID().uuidString)").path
        stdoutPath = stem + ".out"
        stderrPath = stem + ".err"

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        for (index, descriptor) in descriptors.enumerated() {
            posix_spawn_file_actions_adddup2(&actions, descriptor, Int32(3 + index))
        }
        if !descriptors.isEmpty {
            // No addclosefrom_np in Swift's Glibc: close what the runner has open now (one opened meanwhile by
            // another thread may leak into the child).
            let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
            for fd in open.compactMap({ Int32($0) }) where fd >= 3 + Int32(descriptors.count) {
                posix_spawn_file_actions_addclose(&actions, fd)
            }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        guard result == 0 else { throw HelperError.system("posix_spawn \(executable)", result) }
        pid = child
    }

    /// What the child wrote to standard error so far.
    package var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// What the child wrote to standard output so far.
    package var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }

    /// The exit status (or 128 + signal) once the child has exited and been reaped; `nil` while it runs.
    package var exited: Int32? {
        lock.withLock {
            if exitStatus == nil {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid {
                    let signal = status & 0x7f
                    exitStatus = signal == 0 ? (status >> 8) & 0xff : 128 + signal
                }
            }
            return exitStatus
        }
    }

    /// Polls every 20 ms until `condition` holds, up to `seconds`; fails early when the child has exited.
    package func wait<T>(_ what: String, seconds: Double = 15, until condition: () throws -> T?) throws -> T {
        let deadline = Date().addingTimeInterval(seconds)
        var lastError: (any Error)?
        while Date() < deadline {
            do {
                if let value = try condition() { return value }
            } catch {
                lastError = error
            }
            if let status = exited {
                throw HelperError("\(label) exited (status \(status)) while waiting for \(what); stderr:\n\(stderr)")
            }
            usleep(20_000)
        }
        throw HelperError(
            "\(label): no \(what) after \(seconds) s\(lastError.map { " (last error: \($0))" } ?? ""); stderr:\n\(stderr.suffix(3000))"
        )
    }

    /// SIGTERM to the child's PID, then waits up to 5 s for it (SIGKILL after that); removes the output files.
    package func stop() {
        if exited == nil {
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(5)
            while exited == nil && Date() < deadline { usleep(5_000) }
            if exited == nil {
                kill(pid, SIGKILL)
                while exited == nil { usleep(5_000) }
            }
        }
        unlink(stdoutPath)
        unlink(stderrPath)
    }
}
