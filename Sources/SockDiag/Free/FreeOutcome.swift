/// What `free` did and its proof.
public struct FreeOutcome: Hashable, Sendable {
    /// What happened to one planned signal.
    public enum SignalResult: Hashable, Sendable {
        /// Sent.
        case sent
        /// The process had already exited (nothing sent).
        case gone
        /// The pid now names another process (another start time): nothing sent.
        case replaced
        /// `kill(2)` failed.
        case failed(Errno)
    }

    /// One signal and what became of it.
    public struct SignalSent: Hashable, Sendable {
        /// The process.
        public var process: ProcessFacts
        /// `SIGTERM` or `SIGKILL`.
        public var signal: Int32
        /// What happened.
        public var result: SignalResult

        /// Creates a record.
        public init(process: ProcessFacts, signal: Int32, result: SignalResult) {
            self.process = process
            self.signal = signal
            self.result = result
        }
    }

    /// One socket closed with `SOCK_DESTROY`, or what kept it open.
    public struct Destroyed: Hashable, Sendable {
        /// The socket.
        public var socket: Socket
        /// The kernel's answer.
        public var outcome: DestroyOutcome

        /// Creates a record.
        public init(socket: Socket, outcome: DestroyOutcome) {
            self.socket = socket
            self.outcome = outcome
        }

        /// Whether the socket is gone: destroyed, or gone already.
        public var closed: Bool { outcome == .destroyed || outcome == .alreadyGone }
    }

    /// Sockets closed: the planned ones, then those that appeared while waiting (e.g. TIME_WAIT left by the
    /// signalled processes' connections).
    public var destroyed: [Destroyed]
    /// Signals in the order sent: SIGTERM to each planned process, then SIGKILL to those still holding the port
    /// at the timeout (only with `force`).
    public var signals: [SignalSent]
    /// How long it waited for the signalled processes to let go of the port, in milliseconds.
    public var waitedMilliseconds: Int
    /// Whether the wait ended at the timeout with planned sockets still open.
    public var timedOut: Bool
    /// The fresh test binds after it all, and what still holds the port.
    public var proof: BindCheckResult
    /// Owners of the sockets that still hold the port (``BindCheckResult/causes``), by inode.
    public var remainingOwners: [UInt64: [SocketOwner]]
    /// Whether the bind now works as asked.
    public var freed: Bool

    /// Creates an outcome.
    public init(
        destroyed: [Destroyed] = [],
        signals: [SignalSent] = [],
        waitedMilliseconds: Int = 0,
        timedOut: Bool = false,
        proof: BindCheckResult,
        remainingOwners: [UInt64: [SocketOwner]] = [:],
        freed: Bool
    ) {
        self.destroyed = destroyed
        self.signals = signals
        self.waitedMilliseconds = waitedMilliseconds
        self.timedOut = timedOut
        self.proof = proof
        self.remainingOwners = remainingOwners
        self.freed = freed
    }
}
