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
