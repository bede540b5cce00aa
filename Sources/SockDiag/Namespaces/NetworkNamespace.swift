internal import CSockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A network namespace: its identity (the device and inode of its namespace file), its name under
/// `/var/run/netns` when it has one, and a path that opens it.
///
/// ``NetworkNamespaceScanner`` finds every namespace reachable from `/var/run/netns` and `/proc`;
/// ``run(_:)`` and ``SocketInspector/init(in:)`` work inside one without moving the calling thread.
public struct NetworkNamespace: Hashable, Sendable, Identifiable, CustomStringConvertible {
    /// What tells two namespaces apart: the device and inode of the namespace file (`nsfs`), the same whichever
    /// path (`/proc/PID/ns/net`, a bind mount under `/var/run/netns`) reaches it.
    public struct ID: Hashable, Sendable, CustomStringConvertible {
        /// The device of the namespace file (`st_dev`; one `nsfs` device on the whole machine).
        public var device: UInt64
        /// The inode number of the namespace file (`st_ino`), as `readlink /proc/PID/ns/net` prints it
        /// (`net:[4026531840]`) and `lsns` lists it.
        public var inode: UInt64

        /// Creates an identity.
        public init(device: UInt64, inode: UInt64) {
            self.device = device
            self.inode = inode
        }

        /// The identity of the namespace file `status` describes.
        init(of status: stat) {
            self.init(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
        }

        /// `net:[INODE]`, as the kernel spells the link of `/proc/PID/ns/net`.
        public var description: String { "net:[\(inode)]" }
    }

    /// The identity.
    public var id: ID
    /// The name of the namespace under ``directory`` (as `ip netns` names it), or `nil`; when several names
    /// refer to it, the first in byte order.
    public var name: String?
    /// A path that opens the namespace: `/var/run/netns/NAME` for a named one, else `/proc/PID/ns/net` of a
    /// process in it (for the caller's own, `/proc/thread-self/ns/net`). A process path stops working when the
    /// process exits.
    public var path: String
    /// A process found in the namespace, or `nil` (a named namespace may have none).
    public var processID: Int32?
    /// Whether this is the namespace of the thread that found it.
    public var isCurrent: Bool

    /// Creates a namespace description.
    public init(id: ID, name: String? = nil, path: String, processID: Int32? = nil, isCurrent: Bool = false) {
        self.id = id
        self.name = name
        self.path = path
        self.processID = processID
        self.isCurrent = isCurrent
    }

    /// Looks up the namespace named `name` under ``directory`` (as `ip netns` names them), or at a path.
    ///
    /// The file is checked before anything else uses it: a regular (namespace) file, opened without blocking, of
    /// a network namespace; a FIFO or any other file is refused without being read.
    ///
    /// The corresponding C functions are `stat(2)`, `open(2)` and the `NS_GET_NSTYPE` `ioctl(2)`.
    /// - Parameter name: A name, e.g. `blue` for `/var/run/netns/blue`, or one of the paths
    ///   `/var/run/netns/NAME` and `/proc/PID/ns/net` (`/proc/self/ns/net` and `/proc/thread-self/ns/net` too).
    /// - Returns: The namespace, with its identity, its name (`nil` for a path) and its path.
    /// - Throws: ``SockDiagError``: `namespaceNotFound` when there is no such namespace, when the file is not a
    ///   network namespace, or when `name` leaves those places (`..`, another path); else `permissionDenied`.
    public static func find(named name: String) throws(SockDiagError) -> NetworkNamespace {
        let path = try NamespaceFile.path(named: name)
        let (descriptor, status) = try NamespaceFile.open(path, name: name)
        close(descriptor)
        return NetworkNamespace(
            id: ID(of: status),
            name: name.hasPrefix("/") ? nil : name,
            path: path
        )
    }

    /// Looks up the namespace named `name`.
    @available(*, deprecated, renamed: "find(named:)")
    public init(named name: String) throws(SockDiagError) {
        self = try Self.find(named: name)
    }

    /// The inode number of the namespace file.
    public var inode: UInt64 { id.inode }

    /// The name, or `net:[INODE]` for a namespace without one.
    public var label: String { name ?? id.description }

    /// The label.
    public var description: String { label }

    /// Where `ip netns add` keeps the namespaces it names.
    public static let directory = "/var/run/netns"

    /// Moves the calling thread into the network namespace `name` (`/var/run/netns/NAME`, or a path as
    /// ``find(named:)`` takes). Sockets and inspectors created on this thread afterwards belong to it; other
    /// threads are unaffected.
    ///
    /// The corresponding C function is `setns(2)` with `CLONE_NEWNET` (needs CAP_SYS_ADMIN), after the checks of
    /// ``find(named:)``.
    /// - Throws: ``SockDiagError``: `namespaceNotFound` when there is no such namespace (as for ``find(named:)``),
    ///   else `permissionDenied`.
    public static func enter(named name: String) throws(SockDiagError) {
        let path = try NamespaceFile.path(named: name)
        let (fd, _) = try NamespaceFile.open(path, name: name)
        defer { close(fd) }
        switch valueOrErrno({ CSockDiag_enter_network_namespace(fd) }) {
        case .success: return
        case .failure(let error) where error == .notPermitted || error == .permissionDenied:
            throw SockDiagError(
                code: .permissionDenied,
                errno: error,
                operation: "setns \(path)",
                message:
                    "cannot enter network namespace '\(name)': \(error) (entering a namespace needs CAP_SYS_ADMIN; run as root)"
            )
        case .failure(let error):
            throw .fromErrno(error, operation: "setns \(path)")
        }
    }
}
