import SockDiag

/// One namespace's rows, kept: its UNIX sockets, then its internet sockets in ss's order (``SSOrder``).
///
/// `-p` keeps the rows until the owners are known; `--all-netns` dumps each namespace on a thread of its own and
/// keeps its rows until their turn to be written.
struct Rows: Sendable, RowConsumer {
    /// The namespace, with `--all-netns`.
    var namespace: NetworkNamespace?
    var unix: [UnixSocket] = []
    var netlink: [NetlinkSocketEntry] = []
    var packet: [PacketSocket] = []
    var vsock: [VsockSocket] = []
    var xdp: [XDPSocket] = []
    var sockets: [Socket] = []
    /// The UNIX dump's report (`nil` when UNIX sockets are not listed).
    var unixReport: DumpReport?
    /// The internet dump's report (`nil` from /proc).
    var report: DumpReport?
    /// The sockets held back for ss's order while the walk runs.
    private var held: [Socket] = []

    init(namespace: NetworkNamespace?) {
        self.namespace = namespace
    }

    mutating func take(_ socket: UnixSocket) {
        unix.append(socket)
    }

    mutating func take(_ socket: NetlinkSocketEntry) {
        netlink.append(socket)
    }

    mutating func take(_ socket: PacketSocket) {
        packet.append(socket)
    }

    mutating func take(_ socket: VsockSocket) {
        vsock.append(socket)
    }

    mutating func take(_ socket: XDPSocket) {
        xdp.append(socket)
    }

    mutating func take(_ socket: Socket) {
        sockets.append(socket)
    }

    mutating func hold(_ socket: Socket) {
        held.append(socket)
    }

    mutating func takeHeld() {
        sockets.append(contentsOf: held)
        held = []
    }
}
