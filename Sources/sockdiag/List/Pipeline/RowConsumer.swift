import SockDiag

/// Where a source hands its rows: the UNIX sockets, then the internet sockets in ss's order (``SSOrder``).
protocol RowConsumer: ~Copyable {
    mutating func take(_ socket: UnixSocket) throws
    mutating func take(_ socket: NetlinkSocketEntry) throws
    mutating func take(_ socket: PacketSocket) throws
    mutating func take(_ socket: VsockSocket) throws
    mutating func take(_ socket: XDPSocket) throws
    mutating func take(_ socket: Socket) throws
    /// Keeps `socket` until ``takeHeld()``: ss lists it after the rest of the walk.
    mutating func hold(_ socket: Socket) throws
    /// Takes the sockets held back, in the order they came.
    mutating func takeHeld() throws
}
