/// What one dump did: how many requests and replies, where the filter ran, and why it ran there.
public struct DumpReport: Hashable, Sendable {
    /// Where the filter expression was evaluated.
    public enum FilterPlacement: Hashable, Sendable {
        /// There was no filter beyond the states.
        case none
        /// The kernel evaluated it while dumping (`INET_DIAG_REQ_BYTECODE`).
        case kernel
        /// The kernel sent every socket of the requested states and Swift evaluated the filter.
        case swift
    }

    /// Dump requests sent to the kernel.
    public var requests = 0
    /// Socket replies received from the kernel.
    public var messages = 0
    /// Sockets passed to the caller.
    public var sockets = 0
    /// Sockets the kernel reported again in the same dump (a cookie already seen): the dump resumed inside a hash
    /// bucket that had changed. Counted only when ``SocketQuery/detectRepeats`` is set (0 otherwise), over every
    /// reply, whether or not it was passed on.
    public var repeatedSockets = 0
    /// Where the filter was evaluated.
    public var filterPlacement = FilterPlacement.none
    /// Why the filter did not run in the kernel although it could have (the kernel's rejection of the program).
    public var kernelRejection: SockDiagError?
    /// Whether raw sockets were read from `/proc/net/raw{,6}` because the kernel has no raw_diag handler (set
    /// by callers that fall back, as ss does; the inspector itself never reads /proc).
    public var rawFromProc = false

    /// Creates an empty report.
    public init() {}
}
