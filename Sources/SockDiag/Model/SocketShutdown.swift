/// Which directions of a socket have been shut down (`INET_DIAG_SHUTDOWN`: `RCV_SHUTDOWN` 1, `SEND_SHUTDOWN` 2).
///
/// ss `-e` prints it as `<->` (open), `--->`-style arrows: `<` disappears when receiving is shut, `>` when sending is.
public struct SocketShutdown: OptionSet, Hashable, Sendable {
    /// The kernel's `sk_shutdown` bits.
    public let rawValue: UInt8

    /// Creates a set from the kernel's bits.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// No more data will be received (`RCV_SHUTDOWN`).
    public static let receive = SocketShutdown(rawValue: 1)
    /// No more data will be sent (`SEND_SHUTDOWN`).
    public static let send = SocketShutdown(rawValue: 2)
}
