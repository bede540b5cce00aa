/// How `free` carries out a plan.
public struct FreeOptions: Hashable, Sendable {
    /// The bind that must work at the end: plain, with `SO_REUSEADDR`, or with `SO_REUSEPORT`.
    public var reuseAddress: Bool
    /// See ``reuseAddress``.
    public var reusePort: Bool
    /// How long to wait, in seconds, for the signalled processes to let go of the port.
    public var timeout: Double
    /// Whether to send SIGKILL to the planned processes that are still running at the timeout.
    public var force: Bool
    /// How often the port is looked at while waiting, in seconds.
    public var pollInterval: Double
    /// The `/proc` of the caller's PID namespace.
    public var procRoot: String

    /// Creates options: a plain bind, 5 s, no SIGKILL, a look every 50 ms.
    public init(
        reuseAddress: Bool = false,
        reusePort: Bool = false,
        timeout: Double = 5,
        force: Bool = false,
        pollInterval: Double = 0.05,
        procRoot: String = "/proc"
    ) {
        self.reuseAddress = reuseAddress
        self.reusePort = reusePort
        self.timeout = timeout
        self.force = force
        self.pollInterval = pollInterval
        self.procRoot = procRoot
    }
}
