/// The timer a socket has pending, as inet_diag reports it (`idiag_timer`, `idiag_expires`, `idiag_retrans`).
public struct SocketTimer: Hashable, Sendable {
    /// Which timer is pending (`IDIAG_TIMER_*`).
    public struct Kind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The kernel's timer number.
        public let rawValue: UInt8

        /// Creates a kind from the kernel's number.
        public init(rawValue: UInt8) {
            self.rawValue = rawValue
        }

        /// No timer pending (0).
        public static let off = Kind(rawValue: 0)
        /// Retransmission, early retransmit or loss probe (1).
        public static let on = Kind(rawValue: 1)
        /// Keepalive (2).
        public static let keepalive = Kind(rawValue: 2)
        /// TIME_WAIT expiry (3).
        public static let timeWait = Kind(rawValue: 3)
        /// Zero-window probe (4).
        public static let persist = Kind(rawValue: 4)

        /// The name ss prints: `off`, `on`, `keepalive`, `timewait`, `persist`, `unknown`.
        public var description: String { word.description }

        /// ``description`` as a static string, for the formatters' hot path.
        @inlinable
        package var word: StaticString {
            switch rawValue {
            case 0: return "off"
            case 1: return "on"
            case 2: return "keepalive"
            case 3: return "timewait"
            case 4: return "persist"
            default: return "unknown"
            }
        }
    }

    /// Which timer is pending.
    public var kind: Kind
    /// Milliseconds until it fires (0 when `kind` is `off`).
    public var expiresMilliseconds: UInt32
    /// Retransmissions (for `on`) or unanswered probes (for `keepalive`, `persist`) so far.
    public var retransmits: UInt8

    /// Creates a timer description.
    public init(kind: Kind, expiresMilliseconds: UInt32, retransmits: UInt8) {
        self.kind = kind
        self.expiresMilliseconds = expiresMilliseconds
        self.retransmits = retransmits
    }

    /// No timer pending.
    public static let off = SocketTimer(kind: .off, expiresMilliseconds: 0, retransmits: 0)
}
