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

    /// Looks up the namespace named `name` under ``directory`` (as `ip netns` names it), or at a path.
    ///
    /// The corresponding C function is `stat(2)` of the namespace file.
    /// - Parameter name: A name, e.g. `blue` for `/var/run/netns/blue`, or a path such as `/proc/1234/ns/net`.
    /// - Returns: The namespace, with its identity, its name (`nil` for a path) and its path.
    /// - Throws: ``SockDiagError``: `namespaceNotFound` when there is no such namespace, else `permissionDenied`.
    public static func find(named name: String) throws(SockDiagError) -> NetworkNamespace {
        let path = path(named: name)
        var status = stat()
        if case .failure(let error) = valueOrErrno({ stat(path, &status) }) {
            throw .namespaceUnreachable(named: name, path: path, operation: "stat", errno: error)
        }
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

    /// The path of the namespace `name`: `name` itself when it is a path, else `name` under ``directory``.
    static func path(named name: String) -> String {
        name.hasPrefix("/") ? name : "\(directory)/\(name)"
    }

    /// Moves the calling thread into the network namespace `name` (`/var/run/netns/NAME`, or a path). Sockets and
    /// inspectors created on this thread afterwards belong to it; other threads are unaffected.
    ///
    /// The corresponding C function is `setns(2)` with `CLONE_NEWNET` (needs CAP_SYS_ADMIN).
    /// - Throws: ``SockDiagError``: `namespaceNotFound` when there is no such namespace, else `permissionDenied`.
    public static func enter(named name: String) throws(SockDiagError) {
        let path = path(named: name)
        let fd: Int32
        switch valueOrErrno({ open(path, O_RDONLY | O_CLOEXEC) }) {
        case .success(let opened): fd = opened
        case .failure(let error): throw .namespaceUnreachable(named: name, path: path, operation: "open", errno: error)
        }
        defer { close(fd) }
        if case .failure(let error) = valueOrErrno({ CSockDiag_enter_network_namespace(fd) }) {
            throw SockDiagError(
                code: .permissionDenied,
                errno: error,
                operation: "setns \(path)",
                message:
                    "cannot enter network namespace '\(name)': \(error) (entering a namespace needs CAP_SYS_ADMIN; run as root)"
            )
        }
    }
}
