/// Where the test binds (``BindProof``) and the dump (``BindCause``) disagree.
public enum BindCaveat: Hashable, Sendable {
    /// `bind()` fails with `EADDRINUSE`, but the dump shows no socket of the protocol on the port: the holder is not
    /// visible through sock_diag here.
    case holderNotVisible
    /// Sockets hold the port, yet a plain bind succeeded: they do not conflict (bound to a device, or a
    /// `SO_REUSEPORT` group of the caller's user).
    case holdersDoNotConflict
}
