extension SockDiagError.Code {
    /// A `/proc/net` socket table could not be opened: `/proc` is not mounted under the given root, the
    /// namespace's process is gone, or the family is disabled (no `tcp6` without IPv6).
    public static let procUnavailable = SockDiagError.Code(rawValue: "proc-unavailable")
    /// The filter uses a predicate the `/proc` tables hold no data for: `dev`, `fwmark`, `cgroup`, `autobound`.
    public static let unsupportedFilter = SockDiagError.Code(rawValue: "unsupported-filter")
}

extension SockDiagError {
    /// Classifies an error number from `operation` on the `/proc` file at `path`.
    static func fromProcErrno(_ errno: Errno, operation: String, path: String) -> SockDiagError {
        switch errno {
        case .noSuchFileOrDirectory, .notADirectory, .noSuchProcess:
            return SockDiagError(
                code: .procUnavailable,
                errno: errno,
                operation: "\(operation) \(path)",
                message:
                    "\(operation) \(path): \(errno) (is /proc mounted there, does the process exist, is the family enabled?)"
            )
        case .notPermitted, .permissionDenied:
            return SockDiagError(
                code: .permissionDenied,
                errno: errno,
                operation: "\(operation) \(path)",
                message: "\(operation) \(path): \(errno) (another namespace's /proc/PID/net needs more privilege)"
            )
        default:
            return SockDiagError(
                code: .ioFailed,
                errno: errno,
                operation: "\(operation) \(path)",
                message: "\(operation) \(path): \(errno)"
            )
        }
    }
}
