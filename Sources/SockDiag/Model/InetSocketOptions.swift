/// The internet socket options the kernel reports for every full socket (`INET_DIAG_SOCKOPT`,
/// `struct inet_diag_sockopt`: two bytes of flags), what ss `--inet-sockopt` prints.
public struct InetSocketOptions: OptionSet, Hashable, Sendable {
    /// The flags: the struct's first byte in the low bits, its second byte in the high ones.
    public let rawValue: UInt16

    /// Creates a set from the struct's two bytes (first byte low).
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// `IP_RECVERR`.
    public static let receiveErrors = InetSocketOptions(rawValue: 1 << 0)
    /// A connection-oriented socket (`inet_connection_sock`: TCP, DCCP, MPTCP).
    public static let connectionSocket = InetSocketOptions(rawValue: 1 << 1)
    /// `IP_FREEBIND`.
    public static let freeBind = InetSocketOptions(rawValue: 1 << 2)
    /// `IP_HDRINCL`.
    public static let headerIncluded = InetSocketOptions(rawValue: 1 << 3)
    /// `IP_MULTICAST_LOOP`.
    public static let multicastLoop = InetSocketOptions(rawValue: 1 << 4)
    /// `IP_TRANSPARENT`.
    public static let transparent = InetSocketOptions(rawValue: 1 << 5)
    /// `IP_MULTICAST_ALL`.
    public static let multicastAll = InetSocketOptions(rawValue: 1 << 6)
    /// `IP_NODEFRAG`.
    public static let noDefragment = InetSocketOptions(rawValue: 1 << 7)
    /// `IP_BIND_ADDRESS_NO_PORT`.
    public static let bindAddressNoPort = InetSocketOptions(rawValue: 1 << 8)
    /// `IP_RECVERR_RFC4884`.
    public static let receiveErrorsRFC4884 = InetSocketOptions(rawValue: 1 << 9)
    /// `TCP_FASTOPEN_CONNECT` (a deferred connect).
    public static let deferConnect = InetSocketOptions(rawValue: 1 << 10)

    /// Decodes an `INET_DIAG_SOCKOPT` payload; `nil` when it is shorter than the struct's two bytes.
    init?(sockopt bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= 2 else { return nil }
        self.init(rawValue: UInt16(bytes[0]) | UInt16(bytes[1]) << 8)
    }
}
