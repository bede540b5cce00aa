internal import CSockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension NetworkNamespace {
    /// Runs `body` inside this namespace and returns what it returns; the calling thread never changes namespace.
    ///
    /// `body` runs on a thread of its own that has entered the namespace and ends when `body` returns, while the
    /// caller waits; when the caller is already in this namespace, it runs on the caller's thread. Sockets `body`
    /// creates belong to the namespace for good, whichever thread uses them later: that is how
    /// ``SocketInspector/init(in:)`` works.
    ///
    /// The namespace file is opened (read-only, close-on-exec, non-blocking) and checked to be a network namespace
    /// and the same one (device and inode) before anything runs, so a pid reused by another process in another namespace is not entered.
    ///
    /// The corresponding C function is `setns(2)` with `CLONE_NEWNET` (CAP_SYS_ADMIN over the namespace).
    /// - Parameter body: What to do inside the namespace.
    /// - Returns: What `body` returned.
    /// - Throws: ``SockDiagError``: `namespaceVanished` when ``path`` no longer opens or names another namespace
    ///   (the process exited, the name was deleted); `permissionDenied` without the privilege to open or enter it;
    ///   what `body` throws.
    public func run<Value>(_ body: () throws(SockDiagError) -> Value) throws(SockDiagError) -> Value {
        let fd = try openFile()
        defer { close(fd) }
        if (try? Self.callersNamespace(procRoot: "/proc")) == id { return try body() }
        let path = self.path
        return try withoutActuallyEscaping(body) { body throws(SockDiagError) -> Value in
            let job = NamespaceJob(body)
            let result = ThreadResult<Result<Value, SockDiagError>>()
            let thread = try DedicatedThread {
                if case .failure(let error) = valueOrErrno({ CSockDiag_enter_network_namespace(fd) }) {
                    result.value = .failure(
                        error == .notPermitted || error == .permissionDenied
                            ? .namespaceDenied(self, operation: "enter", errno: error)
                            : .fromErrno(error, operation: "setns \(path)")
                    )
                    return
                }
                result.value = Result { () throws(SockDiagError) -> Value in try job.body() }
            }
            thread.join()
            return try result.value!.get()
        }
    }

    /// Opens the namespace file and checks that it still is this network namespace.
    func openFile() throws(SockDiagError) -> Int32 {
        let fd: Int32
        switch valueOrErrno({ open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }) {
        case .success(let opened): fd = opened
        case .failure(let error):
            switch error {
            case .noSuchFileOrDirectory, .noSuchProcess, .notADirectory:
                throw .namespaceVanished(self, "no longer exists (\(error))", errno: error)
            case .notPermitted, .permissionDenied:
                throw .namespaceDenied(self, operation: "open", errno: error)
            default:
                throw .fromErrno(error, operation: "open \(path)")
            }
        }
        let status: stat
        do throws(SockDiagError) {
            status = try NamespaceFile.checkNetwork(fd, path: path, name: label)
        } catch let error where error.code == .namespaceNotFound {
            close(fd)
            throw .namespaceVanished(self, "is no longer a network namespace (\(error.message))")
        } catch {
            close(fd)
            throw error
        }
        guard ID(of: status) == id else {
            close(fd)
            throw .namespaceVanished(self, "now names another namespace (net:[\(status.st_ino)])")
        }
        return fd
    }

    /// The identity of the calling thread's network namespace (`/proc/thread-self/ns/net`).
    ///
    /// The corresponding C function is `stat(2)`.
    /// - Throws: ``SockDiagError`` (`procUnavailable`, `permissionDenied`, `ioFailed`).
    static func callersNamespace(procRoot: String) throws(SockDiagError) -> ID {
        var status = stat()
        let path = "\(procRoot)/thread-self/ns/net"
        _ = try procSystemCall("stat", path: path) { stat(path, &status) }
        return ID(of: status)
    }
}

/// The body handed to a namespace thread; the caller waits for the thread, so the body is never used concurrently.
private final class NamespaceJob<Value>: @unchecked Sendable {
    let body: () throws(SockDiagError) -> Value
    init(_ body: @escaping () throws(SockDiagError) -> Value) { self.body = body }
}
