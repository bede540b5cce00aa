internal import CSockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Where a namespace name leads, and the namespace file opened there without blocking and checked to be a
/// network namespace.
enum NamespaceFile {
    /// The path of the namespace `name`: `name` under ``NetworkNamespace/directory`` (as `ip netns` names them),
    /// or `name` itself when it is `/var/run/netns/NAME` or `/proc/PID/ns/net` (`self` and `thread-self` too).
    /// - Throws: ``SockDiagError`` (`namespaceNotFound`) for anything else: an empty name, `.`, `..`, or a path
    ///   that leaves those places (`../../etc`).
    static func path(named name: String) throws(SockDiagError) -> String {
        if isPlainName(name[...]) { return "\(NetworkNamespace.directory)/\(name)" }
        let directory = "\(NetworkNamespace.directory)/"
        if name.hasPrefix(directory), isPlainName(name.dropFirst(directory.count)) { return name }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 5, parts[0].isEmpty, parts[1] == "proc", parts[3] == "ns", parts[4] == "net",
            parts[2] == "self" || parts[2] == "thread-self"
                || (!parts[2].isEmpty && parts[2].allSatisfy(\.isASCIIDigit))
        {
            return name
        }
        throw .namespaceNameRefused(name)
    }

    /// Whether `name` can be a file name under the namespace directory: not empty, no `/`, not `.` or `..`.
    private static func isPlainName(_ name: Substring) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/")
    }

    /// Opens the namespace file at `path` (read-only, close-on-exec, non-blocking) once `stat(2)` showed a
    /// regular file, and checks that it is still that file and is a network namespace (`NS_GET_NSTYPE`).
    ///
    /// A FIFO, a device or a directory is refused before it is opened, so that it can neither block nor be read.
    /// - Parameter name: The name the caller gave, for messages.
    /// - Returns: The open descriptor (the caller closes it) and its status.
    /// - Throws: ``SockDiagError``: `namespaceNotFound` when there is no file or it is not a network namespace,
    ///   else `permissionDenied` or `ioFailed`.
    static func open(_ path: String, name: String) throws(SockDiagError) -> (descriptor: Int32, status: stat) {
        var named = stat()
        if case .failure(let error) = valueOrErrno({ stat(path, &named) }) {
            throw .namespaceUnreachable(named: name, path: path, operation: "stat", errno: error)
        }
        if let kind = nonRegularKind(named.st_mode) {
            throw .notANetworkNamespace(named: name, path: path, kind: kind)
        }
        let descriptor: Int32
        switch valueOrErrno({ Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }) {
        case .success(let opened): descriptor = opened
        case .failure(let error): throw .namespaceUnreachable(named: name, path: path, operation: "open", errno: error)
        }
        do throws(SockDiagError) {
            let status = try checkNetwork(descriptor, path: path, name: name)
            return (descriptor, status)
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// Checks that the open file `descriptor` is a namespace file of a network namespace.
    /// - Returns: Its status (device and inode: the namespace's identity).
    /// - Throws: ``SockDiagError`` (`namespaceNotFound` when it is not a network namespace).
    static func checkNetwork(_ descriptor: Int32, path: String, name: String) throws(SockDiagError) -> stat {
        var status = stat()
        if case .failure(let error) = valueOrErrno({ fstat(descriptor, &status) }) {
            throw .fromErrno(error, operation: "fstat \(path)")
        }
        if let kind = nonRegularKind(status.st_mode) {
            throw .notANetworkNamespace(named: name, path: path, kind: kind)
        }
        switch valueOrErrno({ CSockDiag_namespace_type(descriptor) }) {
        case .success(let type) where type == Int32(CSockDiag_namespace_type_network):
            return status
        case .success:
            throw .notANetworkNamespace(named: name, path: path, kind: "a namespace of another type")
        case .failure(let error) where error == Errno(rawValue: ENOTTY) || error == .invalidArgument:
            throw .notANetworkNamespace(named: name, path: path, kind: "a file that is not a namespace")
        case .failure(let error):
            throw .fromErrno(error, operation: "ioctl NS_GET_NSTYPE \(path)")
        }
    }
}

extension Character {
    /// Whether this is one of the ASCII digits 0 to 9.
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
