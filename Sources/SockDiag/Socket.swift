/// One internet socket as the kernel's socket table describes it.
///
/// A plain value: copying it allocates nothing. TIME_WAIT and request (SYN-RECV) sockets are minisockets
/// without an owner: their `uid`, `inode` and queues are always 0.
public struct Socket: Hashable, Sendable {
    /// TCP or UDP.
    public var transport: TransportProtocol
    /// IPv4 or IPv6.
    public var family: AddressFamily
    /// The state; UDP sockets are `established` (connected) or `closed` (unconnected).
    public var state: TCPState
    /// The local address and port.
    public var local: Endpoint
    /// The peer address and port; the unspecified address and port 0 when unconnected.
    public var peer: Endpoint
    /// Bytes waiting to be read; for a listener, connections waiting in the accept queue.
    public var receiveQueue: UInt32
    /// Bytes not yet acknowledged (TCP) or not yet sent; for a listener, the accept-queue limit (backlog).
    public var sendQueue: UInt32
    /// The owner's user id, mapped into the caller's user namespace (0 for minisockets).
    public var uid: UInt32
    /// The socket's inode number, which names it in `/proc/PID/fd` (0 for minisockets).
    public var inode: UInt64
    /// The kernel's socket cookie, unique for the socket's lifetime.
    public var cookie: UInt64
    /// The interface the socket is bound to (`SO_BINDTODEVICE`), 0 when none.
    public var interfaceIndex: UInt32
    /// The pending timer.
    public var timer: SocketTimer
    /// For IPv6 listening and unconnected sockets: whether `IPV6_V6ONLY` is set; `nil` when not reported.
    public var v6Only: Bool?
    /// The firewall mark (`SO_MARK`); the kernel reports it only to CAP_NET_ADMIN, `nil` otherwise.
    public var mark: UInt32?
    /// The id of the cgroup v2 the socket belongs to; `nil` when not reported (minisockets).
    public var cgroupID: UInt64?

    /// Creates a socket description.
    public init(
        transport: TransportProtocol,
        family: AddressFamily,
        state: TCPState,
        local: Endpoint,
        peer: Endpoint,
        receiveQueue: UInt32 = 0,
        sendQueue: UInt32 = 0,
        uid: UInt32 = 0,
        inode: UInt64 = 0,
        cookie: UInt64 = 0,
        interfaceIndex: UInt32 = 0,
        timer: SocketTimer = .off,
        v6Only: Bool? = nil,
        mark: UInt32? = nil,
        cgroupID: UInt64? = nil
    ) {
        self.transport = transport
        self.family = family
        self.state = state
        self.local = local
        self.peer = peer
        self.receiveQueue = receiveQueue
        self.sendQueue = sendQueue
        self.uid = uid
        self.inode = inode
        self.cookie = cookie
        self.interfaceIndex = interfaceIndex
        self.timer = timer
        self.v6Only = v6Only
        self.mark = mark
        self.cgroupID = cgroupID
    }
}
