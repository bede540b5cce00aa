import SockDiag

extension SocketState {
    /// The word ss prints in its State column: `ESTAB`, `TIME-WAIT`, `LISTEN`, `UNCONN` …
    public var columnName: String { columnWord.description }

    /// ``columnName`` as a static string, for the formatters' hot path.
    var columnWord: StaticString {
        switch rawValue {
        case 1: return "ESTAB"
        case 2: return "SYN-SENT"
        case 3, 12: return "SYN-RECV"
        case 4: return "FIN-WAIT-1"
        case 5: return "FIN-WAIT-2"
        case 6: return "TIME-WAIT"
        case 7, 13: return "UNCONN"
        case 8: return "CLOSE-WAIT"
        case 9: return "LAST-ACK"
        case 10: return "LISTEN"
        case 11: return "CLOSING"
        default: return "UNKNOWN"
        }
    }
}
