/// Where the test binds (``BindProof``) and the dump (``BindCause``) disagree.
public enum BindCaveat: Hashable, Sendable {
    /// `bind()` fails with `EADDRINUSE`, but the dump shows no socket of the protocol on the port: the holder is not
    /// visible through sock_diag here.
    case holderNotVisible
    /// Sockets hold the port, yet a plain bind succeeded. By the kernel's rules (`inet_bind_conflict`,
    /// `udp_lib_lport_inuse`) a socket without a device and without `SO_REUSEADDR`/`SO_REUSEPORT`, as the test
    /// socket, conflicts with every socket on an overlapping address, whatever that one's device or options; so they
    /// closed after the dump, or (TCP) they are bound to a VRF device, whose sockets have a bind table of their own
    /// while `net.ipv4.tcp_l3mdev_accept` is 0.
    case holdersDoNotConflict
}
