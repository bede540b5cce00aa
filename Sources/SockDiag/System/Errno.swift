#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An error number reported by the C library or by the kernel in a netlink error reply.
///
/// The corresponding C variable is `errno`.
public struct Errno: RawRepresentable, Error, Hashable, Sendable, CustomStringConvertible {
    /// The raw C error number.
    public let rawValue: Int32

    /// Creates an error number from its raw C value.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// The error number the calling thread's `errno` holds right now.
    static var current: Errno { Errno(rawValue: errno) }

    /// The C library's sentence for this error, e.g. "Operation not permitted".
    ///
    /// The corresponding C function is `strerror(3)`.
    public var description: String {
        guard let text = strerror(rawValue) else { return "errno \(rawValue)" }
        return String(cString: text)
    }

    /// Operation not permitted (`EPERM`).
    public static var notPermitted: Errno { Errno(rawValue: EPERM) }
    /// Permission denied (`EACCES`).
    public static var permissionDenied: Errno { Errno(rawValue: EACCES) }
    /// No such file or directory; from sock_diag: no handler for that family or protocol (`ENOENT`).
    public static var noSuchFileOrDirectory: Errno { Errno(rawValue: ENOENT) }
    /// Interrupted system call (`EINTR`).
    public static var interrupted: Errno { Errno(rawValue: EINTR) }
    /// Invalid argument (`EINVAL`).
    public static var invalidArgument: Errno { Errno(rawValue: EINVAL) }
    /// Protocol not supported (`EPROTONOSUPPORT`).
    public static var protocolNotSupported: Errno { Errno(rawValue: EPROTONOSUPPORT) }
    /// Address family not supported (`EAFNOSUPPORT`).
    public static var addressFamilyNotSupported: Errno { Errno(rawValue: EAFNOSUPPORT) }
    /// No space left: a datagram did not fit the receive buffer (`ENOSPC`).
    public static var noSpace: Errno { Errno(rawValue: ENOSPC) }
    /// Bad message (`EBADMSG`).
    public static var badMessage: Errno { Errno(rawValue: EBADMSG) }
    /// Not a directory (`ENOTDIR`).
    static var notADirectory: Errno { Errno(rawValue: ENOTDIR) }
    /// No such process (`ESRCH`): `/proc/PID` of a process that has exited.
    static var noSuchProcess: Errno { Errno(rawValue: ESRCH) }
}
