import SockDiag

/// One socket as a row of ss's table shows it, reduced to what the tests compare: netid, ss's state word, the two
/// endpoints and, where a test asks for them, the two queues.
///
/// Made from ss's or sockdiag's table and sockdiag's JSON (``SocketRows``), from a library ``Socket``, or from what a
/// test made (``ExpectedSocket``); the state words are ``KernelState``'s, written in the tests, not the library's.
package struct SocketRow: Hashable, Sendable, Comparable, CustomStringConvertible {
    package var netid: String
    /// As ss prints it: `ESTAB`, `LISTEN`, `TIME-WAIT`, `UNCONN` …
    package var state: String
    /// Without brackets and `%interface`; `*` (ss's dual-stack wildcard) unless normalized to `::`.
    package var localAddress: String
    package var localPort: UInt16
    package var peerAddress: String
    package var peerPort: UInt16
    /// Recv-Q, or `nil` where the comparison leaves the queues out.
    package var receiveQueue: UInt32?
    /// Send-Q, or `nil` where the comparison leaves it out.
    package var sendQueue: UInt32?

    package init(
        netid: String,
        state: String,
        localAddress: String,
        localPort: UInt16,
        peerAddress: String,
        peerPort: UInt16,
        receiveQueue: UInt32? = nil,
        sendQueue: UInt32? = nil
    ) {
        self.netid = netid
        self.state = state
        self.localAddress = localAddress
        self.localPort = localPort
        self.peerAddress = peerAddress
        self.peerPort = peerPort
        self.receiveQueue = receiveQueue
        self.sendQueue = sendQueue
    }

    /// The row ss would print for `socket` (an unspecified address as the library writes it, `::` or `0.0.0.0`).
    /// - Parameter queues: Whether the row holds the socket's queues.
    package init(_ socket: Socket, queues: Bool = false) {
        let number = socket.state.rawValue
        self.init(
            netid: socket.transport == .tcp ? "tcp" : "udp",
            state: KernelState(rawValue: number)?.ssWord ?? "state-\(number)",
            localAddress: socket.local.address.description,
            localPort: socket.local.port,
            peerAddress: socket.peer.address.description,
            peerPort: socket.peer.port,
            receiveQueue: queues ? socket.receiveQueue : nil,
            sendQueue: queues ? socket.sendQueue : nil
        )
    }

    package var description: String {
        let endpoints = "\(netid) \(state) \(localAddress) \(localPort) \(peerAddress) \(peerPort)"
        guard receiveQueue != nil || sendQueue != nil else { return endpoints }
        return endpoints + " r=\(receiveQueue.map(String.init) ?? "-") s=\(sendQueue.map(String.init) ?? "-")"
    }

    package static func < (lhs: SocketRow, rhs: SocketRow) -> Bool { lhs.description < rhs.description }

    /// The row with ss's `*` wildcard written as `::`.
    package var wildcardAsAny: SocketRow {
        var row = self
        if row.localAddress == "*" { row.localAddress = "::" }
        if row.peerAddress == "*" { row.peerAddress = "::" }
        return row
    }

    /// The row without a listener's Send-Q: ss shows the backlog there, /proc shows 0.
    package var withoutListenerSendQueue: SocketRow {
        var row = self
        if row.state == "LISTEN" { row.sendQueue = nil }
        return row
    }
}
