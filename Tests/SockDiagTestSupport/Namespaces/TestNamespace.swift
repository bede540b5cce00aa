import Foundation
import SockDiag
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A mutable holder to hand values across threads; every use here is ordered by a thread join.
private final class Box<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}

/// A private network namespace `sockdiag-test-<pid>-<counter>`, made with `ip netns add`, with `lo` up.
///
/// Remove it with ``remove()`` in a `defer`. Sockets and inspectors are made inside it with ``onThread(_:)``,
/// which runs a closure on a new thread that has joined the namespace; the test's own threads never do.
package final class TestNamespace: Sendable {
    /// The name under /var/run/netns.
    package let name: String

    private static let counter = Mutex(0)

    /// Whether this process can create namespaces: root, `ip` installed, and a probe namespace works.
    package static let canCreate: Bool = {
        guard geteuid() == 0, Commands.ip != nil else { return false }
        guard let probe = try? TestNamespace() else { return false }
        probe.remove()
        return true
    }()

    /// Creates the namespace, brings `lo` up and turns `tcp_tw_reuse` off.
    package convenience init() throws {
        try self.init { ip, name in
            let add = try Commands.run(ip, ["netns", "add", name])
            guard add.status == 0 else { throw HelperError("ip netns add \(name) failed: \(add)") }
        }
    }

    /// Creates the namespace with `add` (given `ip` and the name), brings `lo` up and turns `tcp_tw_reuse` off.
    init(adding add: (_ ip: String, _ name: String) throws -> Void) throws {
        guard let ip = Commands.ip else { throw HelperError("`ip` is not installed") }
        let number = Self.counter.withLock { value in
            value += 1
            return value
        }
        name = "sockdiag-test-\(getpid())-\(number)"
        try add(ip, name)
        do {
            for arguments in [
                ["-n", name, "link", "set", "lo", "up"],
                ["netns", "exec", name, "sysctl", "-qw", "net.ipv4.tcp_tw_reuse=0"],
            ] {
                let result = try Commands.run(ip, arguments)
                guard result.status == 0 else {
                    throw HelperError("ip \(arguments.joined(separator: " ")) failed: \(result)")
                }
            }
        } catch {
            remove()
            throw error
        }
    }

    /// Deletes the namespace (`ip netns del`); its sockets go when the last descriptor is closed.
    package func remove() {
        guard let ip = Commands.ip else { return }
        _ = try? Commands.run(ip, ["netns", "del", name])
    }

    /// Runs `command` inside the namespace with `ip netns exec`.
    package func exec(_ command: [String], stdoutPath: String? = nil) throws -> CommandResult {
        guard let ip = Commands.ip else { throw HelperError("`ip` is not installed") }
        return try Commands.run(ip, ["netns", "exec", name] + command, stdoutPath: stdoutPath)
    }

    /// Runs `body` on a new thread that first joins this namespace (`setns(2)`), and waits for it.
    ///
    /// Sockets `body` creates belong to the namespace for good; the thread ends when `body` returns.
    package func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        let job = NamespaceJob(path: "/var/run/netns/\(name)") { try body() }
        var thread = pthread_t()
        let retained = Unmanaged.passRetained(job)
        let created = pthread_create(
            &thread,
            nil,
            { raw in
                let job = Unmanaged<NamespaceJob>.fromOpaque(raw!).takeRetainedValue()
                job.run()
                return nil
            },
            retained.toOpaque()
        )
        guard created == 0 else {
            retained.release()
            throw HelperError.system("pthread_create", created)
        }
        pthread_join(thread, nil)
        return try job.result.value!.get() as! T
    }

    /// An inspector opened inside the namespace (it may then be used from any thread).
    package func inspector() throws -> SocketInspector {
        try onThread { try SocketInspector() }
    }
}

/// The work of one namespace thread.
private final class NamespaceJob: @unchecked Sendable {
    /// `CLONE_NEWNET` from <sched.h>, which Swift's Glibc module leaves out (it needs `_GNU_SOURCE`).
    static let cloneNewNet: Int32 = 0x4000_0000

    /// glibc's `setns(2)`, looked up at run time for the same reason.
    static let setns: (@convention(c) (Int32, Int32) -> Int32)? = {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "setns") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    }()

    let path: String
    let body: () throws -> any Sendable
    let result = Box<Result<any Sendable, any Error>?>(nil)

    init(path: String, body: @escaping () throws -> any Sendable) {
        self.path = path
        self.body = body
    }

    func run() {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            result.value = .failure(HelperError.system("open \(path)"))
            return
        }
        defer { close(fd) }
        guard let setns = Self.setns else {
            result.value = .failure(HelperError("setns(2) is not in the C library"))
            return
        }
        guard setns(fd, Self.cloneNewNet) == 0 else {
            result.value = .failure(HelperError.system("setns \(path)"))
            return
        }
        result.value = Result { try body() }
    }
}
