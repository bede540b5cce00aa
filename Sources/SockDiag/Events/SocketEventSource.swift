internal import CSockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The internet sockets the kernel destroys, as it announces them on sock_diag's multicast groups
/// (`SKNLGRP_INET_TCP_DESTROY`, `SKNLGRP_INET_UDP_DESTROY`, `SKNLGRP_INET6_TCP_DESTROY`,
/// `SKNLGRP_INET6_UDP_DESTROY`): what `ss -E` shows.
///
/// A source owns one NETLINK_SOCK_DIAG socket, opened in the calling thread's network namespace (the kernel
/// announces the sockets of that namespace only), and one receive buffer, reused for every datagram; each
/// announcement is decoded by the dump's `inet_diag_msg` parser. ``next()`` blocks until the kernel announces a
/// socket. The announced socket is already closed: its state is CLOSE, and the kernel reports what was left of it.
///
/// Thread safety: a source is `~Copyable` and not `Sendable`; one thread at a time uses it (move it to another thread
/// rather than share it). Several sources, each on its own thread, each receive every announcement.
public struct SocketEventSource: ~Copyable {
    private let socket: NetlinkSocket
    private let buffer: UnsafeMutableRawBufferPointer
    /// Sockets decoded from the last datagram, not yet returned (a datagram usually holds one).
    private var pending: [Socket] = []
    private var pendingIndex = 0
    private var reuse: SocketDetails.Storage?
    /// How many times the kernel dropped announcements because the receive buffer was full (`ENOBUFS`).
    public private(set) var overruns = 0

    /// `INET_DIAG_PROTOCOL`, the announced socket's protocol.
    static let attributeProtocol: UInt16 = 10

    /// Opens the socket and joins the groups of `protocols` × `families`.
    ///
    /// The corresponding C call is `setsockopt(NETLINK_ADD_MEMBERSHIP)` on a `NETLINK_SOCK_DIAG` socket.
    /// - Parameters:
    ///   - protocols: TCP and/or UDP (the kernel announces no other); others are ignored.
    ///   - families: IPv4 and/or IPv6.
    /// - Throws: ``SockDiagError``: `requestRejected` when the protocols and families select no group,
    ///   `permissionDenied` without the right to join, and what opening the socket throws.
    public init(
        protocols: [TransportProtocol] = [.tcp, .udp],
        families: [AddressFamily] = [.inet, .inet6]
    ) throws(SockDiagError) {
        let groups = Self.groups(protocols: protocols, families: families)
        guard !groups.isEmpty else {
            throw SockDiagError(
                code: .requestRejected,
                errno: .invalidArgument,
                operation: "join sock_diag destroy groups",
                message: "the kernel announces destroyed TCP and UDP sockets only"
            )
        }
        let socket = try NetlinkSocket()
        for group in groups where CSockDiag_join_group(socket.handle, group) != 0 {
            throw SockDiagError.fromErrno(.current, operation: "join sock_diag group \(group)")
        }
        self.socket = socket
        buffer = .allocate(byteCount: Int(CSOCKDIAG_DUMP_BUFFER_SIZE), alignment: 8)
    }

    deinit {
        buffer.deallocate()
    }

    /// The `SKNLGRP_*_DESTROY` groups (linux/sock_diag.h: 1 INET_TCP, 2 INET_UDP, 3 INET6_TCP, 4 INET6_UDP).
    static func groups(protocols: [TransportProtocol], families: [AddressFamily]) -> [UInt32] {
        var groups: [UInt32] = []
        for family in [AddressFamily.inet, .inet6] where families.contains(family) {
            let base: UInt32 = family == .inet ? 1 : 3
            if protocols.contains(.tcp) { groups.append(base) }
            if protocols.contains(.udp) { groups.append(base + 1) }
        }
        return groups
    }

    /// Waits for the kernel's next announcement and returns the destroyed socket.
    ///
    /// Signals do not interrupt the wait (`EINTR` is retried); lost announcements (`ENOBUFS`) are counted in
    /// ``overruns`` and the wait goes on.
    /// - Returns: The socket, with its protocol from `INET_DIAG_PROTOCOL`.
    /// - Throws: ``SockDiagError`` when receiving fails or an announcement is malformed.
    public mutating func next() throws(SockDiagError) -> Socket {
        while pendingIndex == pending.count {
            try receive()
        }
        defer { pendingIndex += 1 }
        return pending[pendingIndex]
    }

    /// Receives one datagram and decodes its announcements into ``pending``.
    private mutating func receive() throws(SockDiagError) {
        pending.removeAll(keepingCapacity: true)
        pendingIndex = 0
        let length = CSockDiag_receive(socket.handle, buffer.baseAddress, buffer.count)
        if length < 0 {
            let errno = Errno.current
            if errno == .interrupted { return }
            if errno.rawValue == ENOBUFS {
                overruns += 1
                return
            }
            throw SockDiagError.fromErrno(errno, operation: "receive sock_diag announcements")
        }
        var decoded: [Socket] = []
        swap(&decoded, &pending)
        var reuse = self.reuse
        do {
            try withBatchRunner(handler: { payload in
                decoded.append(try Self.decode(payload, reuse: &reuse))
            }) { runner in
                if case .failed(let failure) = runner.run(
                    UnsafeRawBufferPointer(rebasing: buffer[..<Int(length)]), sequence: 0, portID: 0
                ) {
                    throw failure.error(operation: "decode sock_diag announcements")
                }
            }
        } catch let error as SockDiagError {
            throw error
        } catch {
            throw SockDiagError.malformed("\(error)")
        }
        self.reuse = reuse
        pending = decoded
    }

    /// Decodes one announcement with the dump's parser; the protocol comes from its `INET_DIAG_PROTOCOL`.
    static func decode(
        _ payload: UnsafeRawBufferPointer,
        reuse: inout SocketDetails.Storage?
    ) throws(SockDiagError) -> Socket {
        var transport = TransportProtocol.tcp
        var attributes = try InetDiagMessage(payload).attributes
        while let attribute = try attributes.next() {
            if attribute.type == attributeProtocol, let number = attribute.value(UInt8.self) {
                transport = TransportProtocol(rawValue: UInt16(number)) ?? .raw
            }
        }
        return try InetDiagParser.parse(payload, transport: transport, boundInactiveRequested: false, reuse: &reuse)
    }
}
