extension SockDiagError.Code {
    /// A network namespace can no longer be reached by its path: the process that showed it exited, its name was
    /// deleted (`ip netns del`), or the path now names another namespace.
    public static let namespaceVanished = SockDiagError.Code(rawValue: "namespace-vanished")
}

extension SockDiagError {
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
