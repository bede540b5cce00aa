/// A set of socket states, as the kernel's `idiag_states` bitmask (`1 << state`).
///
/// Holds ss's state names and groups; ``parse(_:)`` accepts what ss's `state` filter accepts.
public struct StateSet: OptionSet, Hashable, Sendable, CustomStringConvertible {
    /// The bitmask, bit N for state N.
    public let rawValue: UInt32

    /// Creates a set from a bitmask.
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// The set holding one state.
    public init(_ state: SocketState) {
        self.rawValue = state.rawValue < 32 ? 1 << UInt32(state.rawValue) : 0
    }

    /// Whether the set holds `state`.
    public func contains(_ state: SocketState) -> Bool {
        state.rawValue < 32 && rawValue & (1 << UInt32(state.rawValue)) != 0
    }

    /// `established`.
    public static let established = StateSet(.established)
    /// `syn-sent`.
    public static let synSent = StateSet(.synSent)
    /// `syn-recv` (request sockets included).
    public static let synRecv = StateSet(.synRecv)
    /// `fin-wait-1`.
    public static let finWait1 = StateSet(.finWait1)
    /// `fin-wait-2`.
    public static let finWait2 = StateSet(.finWait2)
    /// `time-wait`.
    public static let timeWait = StateSet(.timeWait)
    /// `closed`: UDP's unconnected sockets.
    public static let closed = StateSet(.closed)
    /// `close-wait`.
    public static let closeWait = StateSet(.closeWait)
    /// `last-ack`.
    public static let lastAck = StateSet(.lastAck)
    /// `listening`.
    public static let listen = StateSet(.listen)
    /// `closing`.
    public static let closing = StateSet(.closing)
    /// Bound but not listening TCP sockets. Asking for them makes the kernel walk its bind hash too
    /// (about +45% on a full dump), so no group includes them.
    public static let boundInactive = StateSet(.boundInactive)

    /// ss's `all`: every state from `established` to `closing` (not `bound-inactive`).
    public static let all: StateSet = [
        .established, .synSent, .synRecv, .finWait1, .finWait2, .timeWait, .closed, .closeWait, .lastAck, .listen,
        .closing,
    ]
    /// ss's `connected`: all but `listening` and `closed`.
    public static let connected = all.subtracting([.listen, .closed])
    /// ss's `synchronized`: connected but not `syn-sent`.
    public static let synchronized = connected.subtracting(.synSent)
    /// ss's `bucket`: the minisockets, `syn-recv` and `time-wait`.
    public static let bucket: StateSet = [.synRecv, .timeWait]
    /// ss's `big`: all but the minisockets.
    public static let big = all.subtracting(bucket)
    /// What ss shows without `-a`, `-l` or a state filter: all but `listening`, `closed`,
    /// `time-wait` and `syn-recv`.
    public static let ssDefault = all.subtracting([.listen, .closed, .timeWait, .synRecv])
    /// What ss's `-l` shows: `listening` and `closed` (UDP's unconnected sockets).
    public static let listening: StateSet = [.listen, .closed]

    /// The state names ss's `state` filter accepts, with the states each means.
    public static let names: [(name: String, states: StateSet)] = [
        ("established", .established), ("syn-sent", .synSent), ("syn-recv", .synRecv), ("syn-rcv", .synRecv),
        ("fin-wait-1", .finWait1), ("fin-wait-2", .finWait2), ("time-wait", .timeWait), ("closed", .closed),
        ("close", .closed), ("unconnected", .closed), ("close-wait", .closeWait), ("last-ack", .lastAck),
        ("listening", .listen), ("listen", .listen), ("closing", .closing), ("bound-inactive", .boundInactive),
        ("all", .all), ("connected", .connected), ("synchronized", .synchronized), ("bucket", .bucket),
        ("big", .big),
    ]

    /// Looks up a state or group name as ss spells it, ignoring case.
    /// - Parameter name: e.g. `time-wait`, `TIME-WAIT`, `connected`.
    /// - Returns: The states it names, or `nil` for an unknown name.
    public static func parse(_ name: String) -> StateSet? {
        let lowered = name.lowercased()
        for entry in names where entry.name == lowered {
            return entry.states
        }
        return nil
    }

    /// The states in the set, in kernel order.
    public var states: [SocketState] {
        SocketState.allKnown.filter { contains($0) }
    }

    /// The state names, comma separated.
    public var description: String {
        states.map(\.name).joined(separator: ",")
    }
}
