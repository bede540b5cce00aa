/// One internet socket as the kernel's socket table describes it.
///
/// A plain value: copying it allocates nothing. The extension attributes (``tcpInfo``, ``congestion``,
/// ``congestionControlInfo``, ``memory``), present only when the query asked for them
/// (``SocketQuery/extensions``), live in one shared, copy-on-write object, so that a socket without them stays
/// small and a copy of one with them costs one reference. TIME_WAIT and request (SYN-RECV) sockets are minisockets
/// without an owner: their `uid`, `inode` and queues are always 0.
public struct Socket: Hashable, Sendable {
    /// TCP, UDP or raw.
    public var transport: TransportProtocol
    /// IPv4 or IPv6.
    public var family: AddressFamily
    /// The state; UDP and raw sockets are `established` (connected) or `closed` (unconnected).
    public var state: SocketState
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
    /// Which directions are shut down (`INET_DIAG_SHUTDOWN`, sent for every full socket); `nil` for minisockets
    /// and from /proc.
    public var shutdown: SocketShutdown?
    /// The internet socket options (`INET_DIAG_SOCKOPT`, sent for every full socket by Linux 5.10+); `nil` for
    /// minisockets, older kernels and /proc.
    public var inetOptions: InetSocketOptions?
    /// The extension attributes, out of line.
    var details: SocketDetails = .none

    /// For a raw socket, its IP protocol (`1` for ICMP, `58` for ICMPv6, as given to `socket(2)`); `nil` for TCP
    /// and UDP. The kernel reports it as the local port (`inet_num`; ss prints `0.0.0.0:icmp`), and also as
    /// `INET_DIAG_PROTOCOL`.
    public var ipProtocol: UInt8? {
        transport == .raw ? UInt8(truncatingIfNeeded: local.port) : nil
    }

    /// The kernel's `struct tcp_info` (`INET_DIAG_INFO`), when the query asked for ``SocketExtensions/tcpInfo``;
    /// never for UDP sockets or TCP minisockets.
    public var tcpInfo: TCPInfo? {
        get { details.read(\.tcpInfo) }
        set { details.modify { $0.tcpInfo = newValue } }
    }

    /// The congestion control algorithm (`INET_DIAG_CONG`), when the query asked for ``SocketExtensions/tcpInfo``.
    public var congestion: CongestionControlName? {
        get { details.read(\.congestion) }
        set { details.modify { $0.congestion = newValue } }
    }

    /// What the congestion control module reports (Vegas, DCTCP, BBR), when the query asked for
    /// ``SocketExtensions/tcpInfo`` and the module sends anything.
    public var congestionControlInfo: CongestionControlInfo? {
        get { details.read(\.congestionControlInfo) }
        set { details.modify { $0.congestionControlInfo = newValue } }
    }

    /// Memory use (`INET_DIAG_SKMEMINFO`, `INET_DIAG_MEMINFO`), when the query asked for
    /// ``SocketExtensions/memory``; never for TCP minisockets.
    public var memory: SocketMemory? {
        get { details.read(\.memory) }
        set { details.modify { $0.memory = newValue } }
    }

    /// The type of service and priority class, when the query asked for ``SocketExtensions/typeOfService``; never
    /// for TCP minisockets.
    public var typeOfService: TypeOfService? {
        get { details.read(\.typeOfService) }
        set { details.modify { $0.typeOfService = newValue } }
    }

    /// The owners the kernel kept on the socket for the query's ``SocketQuery/owners``; `nil` without one, or when
    /// no process held the socket at the run (list them with ``SocketOwnerStorage/appendOwners(of:to:)``).
    public var storedOwners: SocketStoredOwners? {
        get { details.read(\.storedOwners) }
        set { details.modify { $0.storedOwners = newValue } }
    }

    /// Creates a socket description.
    public init(
        transport: TransportProtocol,
        family: AddressFamily,
        state: SocketState,
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
        cgroupID: UInt64? = nil,
        shutdown: SocketShutdown? = nil
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
        self.shutdown = shutdown
    }
}
