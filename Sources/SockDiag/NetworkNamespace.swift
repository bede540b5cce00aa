internal import CSockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Named network namespaces (`ip netns`), as ss's `-N`.
public enum NetworkNamespace {
    /// Where `ip netns add` keeps the namespaces it names.
    public static let directory = "/var/run/netns"

    /// Moves the calling thread into the network namespace `name` (`/var/run/netns/NAME`, or a path). Sockets and
    /// inspectors created on this thread afterwards belong to it; other threads are unaffected.
    ///
    /// The corresponding C function is `setns(2)` with `CLONE_NEWNET` (needs CAP_SYS_ADMIN).
    /// - Throws: ``SockDiagError``: `socketUnavailable` when there is no such namespace, `permissionDenied`.
    public static func enter(named name: String) throws(SockDiagError) {
        let path = name.hasPrefix("/") ? name : "\(directory)/\(name)"
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let error = Errno.current
            throw SockDiagError(
                code: error == .noSuchFileOrDirectory ? .socketUnavailable : .permissionDenied,
                errno: error,
                operation: "open \(path)",
                message: error == .noSuchFileOrDirectory
                    ? "no network namespace '\(name)' (\(path) does not exist; see `ip netns list`)"
                    : "cannot open network namespace '\(name)' (\(path): \(error))"
            )
        }
        defer { close(fd) }
        guard CSockDiag_enter_network_namespace(fd) == 0 else {
            let error = Errno.current
            throw SockDiagError(
                code: .permissionDenied,
                errno: error,
                operation: "setns \(path)",
                message: "cannot enter network namespace '\(name)': \(error) (entering a namespace needs CAP_SYS_ADMIN; run as root)"
            )
        }
    }
}
