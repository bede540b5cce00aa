extension BindProof {
    /// The proof for a TCP or UDP port that sockets already hold: which test binds are made, and what the others are
    /// inferred to do from `onPort` (every TCP socket on the port, both families, every state).
    ///
    /// Why not simply bind (Linux 6.x, `net/ipv4/inet_connection_sock.c`): every TCP socket with a local port sits in
    /// the port's bind bucket (`inet_bind_bucket`, with one `inet_bind2_bucket` per address in `bhash2`), listeners,
    /// bound sockets, connections and TIME_WAIT (and orphaned FIN-WAIT-2) minisockets alike; the dump shows each.
    /// Besides its owners a bucket keeps fast-path state: `fastreuse`, and `fastreuseport` with `fastuid` and the
    /// `fast_*rcv_saddr` address. `inet_csk_get_port` lets a bind succeed at once, without the full conflict check
    /// (`inet_csk_bind_conflict` over the owners), when `fastreuse > 0` and the socket has `SO_REUSEADDR`, or when
    /// `sk_reuseport_match` finds `SO_REUSEPORT` with the bucket's `fastuid` and an address the fast address covers.
    /// After every successful bind `inet_csk_update_fastreuse` rewrites that state, and closing the test socket does
    /// not restore it; a failed bind leaves it alone (a bucket it created is destroyed again):
    /// - Empty bucket: created for the test socket and destroyed with it. Every test bind is safe:
    ///   ``run(_:)``.
    /// - A successful plain bind into a non-empty bucket sets `fastreuse = 0` and `fastreuseport = 0`.
    /// - A successful `SO_REUSEADDR` bind sets `fastreuseport = 0` (it has `SO_REUSEADDR` and never listens, so
    ///   `fastreuse` stays).
    /// - A successful `SO_REUSEPORT` bind that `sk_reuseport_match` does not match sets `FASTREUSEPORT_STRICT` with
    ///   the prober's uid and address: from then on every `SO_REUSEPORT` bind of that uid to an address the fast
    ///   address "covers" skips the conflict check. `0.0.0.0` covers `[::]` (`ipv4_rcv_saddr_equal` compares only the
    ///   IPv4 half), so after a test bind to `0.0.0.0:P` next to an `[::]:P` `IPV6_V6ONLY` listener, a root
    ///   `SO_REUSEPORT` bind to `[::]:P` succeeds where it failed before: the probe would leave that behind.
    ///
    /// Clearing a fast path (the plain and `SO_REUSEADDR` cases) sends later binds through the full check, which
    /// decides them as before except where the fast path granted more than the full check would; setting one (the
    /// `SO_REUSEPORT` case) grants new binds. So, next to other sockets:
    /// - `SO_REUSEPORT` is never bound. Inferred from the full check: a new socket has no `sk_reuseport_cb`, so it
    ///   shares with an overlapping socket only when that socket has `SO_REUSEPORT` and is TIME_WAIT or of the same
    ///   uid. `EADDRINUSE` when an overlapping socket of another uid is not TIME_WAIT (whatever its options); `ok`
    ///   when no socket overlaps, or when the overlapping ones are listeners of the caller's uid sharing their
    ///   address (only `SO_REUSEPORT` lets listeners share one); otherwise ``BindOutcome/untested``: the dump does
    ///   not show `SO_REUSEPORT`.
    /// - Plain is never bound. Inferred exactly: a socket with neither option and no device conflicts with every
    ///   overlapping socket, whatever its options or device, and no fast path applies to it: `EADDRINUSE` when a
    ///   socket overlaps, else ok. (One exception the dump cannot tell: a socket bound to a VRF device, while
    ///   `net.ipv4.tcp_l3mdev_accept` is 0, sits in a bind bucket of its own and conflicts with nothing here.)
    /// - `SO_REUSEADDR`: `EADDRINUSE` when an overlapping socket listens (a listener conflicts with it, and a bucket
    ///   with a listener has `fastreuse = 0`), ok when no socket overlaps; otherwise (bound sockets, connections,
    ///   TIME_WAIT: whether they have `SO_REUSEADDR`, which TIME_WAIT keeps from its socket, is not in the dump) the
    ///   one test bind made next to other sockets. If it succeeds it clears `fastreuseport` only, which no bind
    ///   depended on unless the fast path granted more than the full check.
    /// - Privilege: the kernel refuses a port below `ip_unprivileged_port_start` without `CAP_NET_BIND_SERVICE`
    ///   before it looks at the port: `EACCES` for all three, inferred. An address that is not this namespace's:
    ///   ``checkAddress(_:)`` (no port is taken), `EADDRNOTAVAIL` for all three.
    ///
    /// Inference follows the kernel's full conflict check; a fast-path state that others' binds left can let a
    /// real bind succeed where it says `EADDRINUSE`.
    ///
    /// UDP has no bind buckets, but a test bind that succeeds next to live sockets puts a socket on their address
    /// and port for as long as it lives: with `SO_REUSEADDR` on both the newest socket gets the unicast datagrams,
    /// with `SO_REUSEPORT` it joins the group (`udp_reuseport_add_sock`) and takes its share, and whatever it takes
    /// is lost when it closes (and `--wait` would repeat that every 200 ms). So next to UDP sockets no bind is made:
    /// `udp_lib_lport_inuse` is the same full check (a socket with neither option and no device conflicts with
    /// every overlapping socket; `SO_REUSEPORT` shares only with a socket of the same uid that set it): plain and
    /// `SO_REUSEPORT` are inferred as above, and `SO_REUSEADDR` (shared only when every overlapping socket set it,
    /// which the dump does not show) is ``BindOutcome/untested``.
    /// - Parameters:
    ///   - target: A TCP or UDP address and port.
    ///   - onPort: Every socket of the protocol on the port (not empty: for an empty port use ``run(_:)``).
    ///   - uid: The effective uid the caller's sockets get.
    ///   - lacksPrivilege: The port needs `CAP_NET_BIND_SERVICE` and the caller lacks it.
    ///   - testBind: Makes one test bind with a socket option (`SO_REUSEADDR`), or checks the address (`nil`).
    /// - Returns: The proof; ``inferred`` names the outcomes from the dump.
    public static func deciding(
        _ target: BindTarget,
        onPort: [Socket],
        uid: UInt32,
        lacksPrivilege: Bool,
        testBind: (BindOption?) -> BindOutcome
    ) -> BindProof {
        let address = testBind(nil)
        if address == .addressNotAvailable {
            return BindProof(plain: address, reuseAddress: address, reusePort: address)
        }
        if lacksPrivilege {
            let denied = BindOutcome.permissionDenied
            return BindProof(plain: denied, reuseAddress: denied, reusePort: denied, inferred: Set(BindOption.allCases))
        }
        let overlapping = onPort.filter { BindCheckResult.overlap($0, target) != nil }
        if overlapping.isEmpty {
            return BindProof(plain: .bound, reuseAddress: .bound, reusePort: .bound, inferred: Set(BindOption.allCases))
        }
        let reusePort = inferReusePort(overlapping, uid: uid)
        var inferred: Set<BindOption> = reusePort == .untested ? [.plain] : [.plain, .reusePort]
        let reuseAddress: BindOutcome
        if target.transport == .udp {
            reuseAddress = .untested  // a test socket that shares the port would take the holders' datagrams
        } else if overlapping.contains(where: { $0.state == .listen }) {
            reuseAddress = .addressInUse
            inferred.insert(.reuseAddress)
        } else {
            reuseAddress = testBind(.reuseAddress)
        }
        return BindProof(
            plain: .addressInUse,
            reuseAddress: reuseAddress,
            reusePort: reusePort,
            inferred: inferred
        )
    }

    /// A `SO_REUSEPORT` bind against the overlapping sockets, by the full conflict check (see
    /// ``deciding(_:onPort:uid:lacksPrivilege:testBind:)``).
    static func inferReusePort(_ overlapping: [Socket], uid: UInt32) -> BindOutcome {
        let isMinisocket = { (socket: Socket) in socket.state == .timeWait || socket.timer.kind == .timeWait }
        if overlapping.contains(where: { !isMinisocket($0) && $0.uid != uid }) { return .addressInUse }
        let listeners = overlapping.filter { $0.state == .listen }
        let shared = listeners.count == overlapping.count && listeners.allSatisfy { listener in
            listeners.filter { $0.local == listener.local && $0.family == listener.family }.count > 1
        }
        return shared ? .bound : .untested
    }
}
