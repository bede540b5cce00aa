import SockDiag
import SockDiagFormatting
import Testing

@Suite("State column")
struct StateColumnTests {
    @Test("ss's column words", arguments: [
        (SocketState.established, "ESTAB"), (.synRecv, "SYN-RECV"), (.timeWait, "TIME-WAIT"), (.closed, "UNCONN"),
        (.listen, "LISTEN"), (.finWait1, "FIN-WAIT-1"), (.boundInactive, "UNCONN"), (SocketState(rawValue: 42), "UNKNOWN"),
    ])
    func words(state: SocketState, column: String) {
        #expect(state.columnName == column)
    }
}
