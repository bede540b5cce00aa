import SockDiag

extension JSONFormatter {
    /// Appends `socket` as one line of JSON lines: the object ``write(_:to:)`` writes, then a newline, with no array
    /// around it (`sockdiag -E --json`).
    public mutating func writeLine(_ socket: Socket, to buffer: inout [UInt8]) {
        wroteElement = false
        let start = buffer.count
        write(socket, to: &buffer)
        buffer.remove(at: start)  // the newline before an array's first element
        buffer.append(UInt8(ascii: "\n"))
    }
}
