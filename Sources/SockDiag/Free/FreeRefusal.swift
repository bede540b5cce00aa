/// A process (or a socket without a visible process) that `free` leaves alone, with the reason and the sockets it
/// holds on the port.
public struct FreeRefusal: Hashable, Sendable {
    /// Why it is left alone; each reason tells what to do instead.
    public enum Reason: Hashable, Sendable {
        /// PID 1 (systemd socket activation, or the container's init): signalling it would stop the system.
        /// `unit` is the socket unit to stop when a holder's cgroup names its service (`NAME.service` →
        /// `NAME.socket`), else `nil`.
        case initProcess(unit: String?)
        /// The caller itself or one of its ancestors (the shell that runs it).
        case ancestor
        /// `docker-proxy`, which publishes a container's port; `container` is the container's address and port from
        /// its command line (`-container-ip`, `-container-port`) when given.
        case dockerProxy(container: String?)
        /// A process of a container other than the caller's (its cgroup names the container).
        case container(ContainerReference)
        /// Another user's process, which the caller may not signal (not root, no `CAP_KILL`); also a socket of that
        /// user whose process the caller could not read (``FreeRefusal/process`` `nil`).
        case otherUser(uid: UInt32)
        /// Every socket the process holds on the port is also held by a refused process (`pid`): signalling this
        /// one would not free the port.
        case sharesSocket(with: Int32)
        /// Sockets no process holds (TIME_WAIT, orphaned FIN-WAIT): closing them with `SOCK_DESTROY` needs
        /// `CAP_NET_ADMIN`, which the caller lacks.
        case needsNetAdmin
        /// The socket has an inode, so something holds it, but no process in `/proc` does: another PID namespace,
        /// a descriptor in flight, a kernel socket; or (`scanComplete` false) a process that could not be read.
        case ownerNotFound(scanComplete: Bool)
    }

    /// The process, or `nil` when none was found (``Reason/ownerNotFound(scanComplete:)``, or
    /// ``Reason/otherUser(uid:)`` for a socket of another user whose process could not be read).
    public var process: ProcessFacts?
    /// Why.
    public var reason: Reason
    /// The sockets on the port it holds.
    public var sockets: [Socket]

    /// Creates a refusal.
    public init(process: ProcessFacts?, reason: Reason, sockets: [Socket]) {
        self.process = process
        self.reason = reason
        self.sockets = sockets
    }
}
