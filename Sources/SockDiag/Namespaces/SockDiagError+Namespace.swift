extension SockDiagError {
    /// A namespace name or path that does not open: `namespaceNotFound` for `ENOENT`, else `permissionDenied`.
    static func namespaceUnreachable(
        named name: String,
        path: String,
        operation: String,
        errno: Errno
    )
        -> SockDiagError
    {
        guard errno == .noSuchFileOrDirectory else {
            return SockDiagError(
                code: .permissionDenied,
                errno: errno,
                operation: "\(operation) \(path)",
                message: "cannot open network namespace '\(name)' (\(path): \(errno))"
            )
        }
        return SockDiagError(
            code: .namespaceNotFound,
            errno: errno,
            operation: "\(operation) \(path)",
            message: "no network namespace '\(name)' (\(path) does not exist; see `ip netns list`)"
        )
    }

    /// A namespace name that leaves the places namespaces are looked up in.
    static func namespaceNameRefused(_ name: String) -> SockDiagError {
        SockDiagError(
            code: .namespaceNotFound,
            operation: "find network namespace",
            message:
                "no network namespace '\(name)': give a name under \(NetworkNamespace.directory) (see `ip netns list`) or /proc/PID/ns/net"
        )
    }

    /// A file that is not a network namespace where one was named (`kind`: "a FIFO", "a file that is not a
    /// namespace"…).
    static func notANetworkNamespace(named name: String, path: String, kind: String) -> SockDiagError {
        SockDiagError(
            code: .namespaceNotFound,
            operation: "open \(path)",
            message: "'\(name)' is not a network namespace (\(path) is \(kind))"
        )
    }

    /// A namespace whose path no longer reaches it.
    static func namespaceVanished(
        _ namespace: NetworkNamespace,
        _ detail: String,
        errno: Errno? = nil
    )
        -> SockDiagError
    {
        SockDiagError(
            code: .namespaceVanished,
            errno: errno,
            operation: "open \(namespace.path)",
            message: "network namespace \(namespace.label) is gone: \(namespace.path) \(detail)"
        )
    }

    /// Opening or entering a namespace was refused.
    static func namespaceDenied(_ namespace: NetworkNamespace, operation: String, errno: Errno) -> SockDiagError {
        SockDiagError(
            code: .permissionDenied,
            errno: errno,
            operation: "\(operation) \(namespace.path)",
            message:
                "cannot \(operation) network namespace \(namespace.label) (\(namespace.path)): \(errno) (entering another namespace needs CAP_SYS_ADMIN; run as root)"
        )
    }
}
