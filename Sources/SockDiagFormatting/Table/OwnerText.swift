import SockDiag

/// The Process column's text for each process of a ``SocketOwnerTable``, made once: `("nginx",pid=1234,fd=`, the
/// command name made safe for a terminal (``TerminalText``). A row's owners are then these bytes and the descriptor
/// numbers (``TableFormatter/write(_:ownersIn:text:to:)``): no name is looked up, copied or checked per row.
///
/// The processes are found by id in an open-addressed table (a few hundred on most machines, in cache).
/// Thread safety: an immutable value.
public struct OwnerText: Sendable {
    /// A process's text: `bytes[start..<start + length]`; `pid` is ``empty`` for a free slot.
    struct Slot: Sendable {
        var pid: Int32
        var start: UInt32
        var length: UInt32
    }

    /// No process has this id (ids are positive).
    static let empty = Int32.min
    /// Every process's text, one after another.
    private var bytes: [UInt8] = []
    /// A power of two, at least twice the processes.
    private var slots: [Slot]
    /// The longest text in ``bytes``.
    private(set) var longest = 0

    /// The text of every process in `table`'s ``SocketOwnerTable/commands``.
    public init(_ table: SocketOwnerTable) {
        var capacity = 16
        while capacity < 2 * table.commands.count { capacity *= 2 }
        slots = [Slot](repeating: Slot(pid: Self.empty, start: 0, length: 0), count: capacity)
        for (pid, command) in table.commands where pid != Self.empty {
            let start = bytes.count
            Self.appendPrefix(command: command, pid: pid, to: &bytes)
            longest = max(longest, bytes.count - start)
            var index = Self.hash(pid) & (capacity - 1)
            while slots[index].pid != Self.empty { index = (index + 1) & (capacity - 1) }
            slots[index] = Slot(pid: pid, start: UInt32(start), length: UInt32(bytes.count - start))
        }
    }

    /// Appends `("command",pid=N,fd=`.
    static func appendPrefix(command: String, pid: Int32, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: "(\"".utf8)
        var command = command
        command.withUTF8 { buffer.appendSafe($0) }
        buffer.append(contentsOf: "\",pid=".utf8)
        buffer.appendDecimal(UInt32(bitPattern: pid))
        buffer.append(contentsOf: ",fd=".utf8)
    }

    @inline(__always)
    static func hash(_ pid: Int32) -> Int {
        Int(truncatingIfNeeded: UInt32(bitPattern: pid) &* 0x9E37_79B1) &>> 8
    }

    /// Calls `body` with the text of process `pid`, or with `nil` when the table named no such process.
    @inline(__always)
    func withText<Result>(of pid: Int32, _ body: (UnsafeBufferPointer<UInt8>?) -> Result) -> Result {
        slots.withUnsafeBufferPointer { slots in
            var index = Self.hash(pid) & (slots.count - 1)
            while true {
                let slot = slots[index]
                if slot.pid == pid {
                    return bytes.withUnsafeBufferPointer { bytes in
                        body(UnsafeBufferPointer(rebasing: bytes[Int(slot.start)..<Int(slot.start + slot.length)]))
                    }
                }
                if slot.pid == Self.empty { return body(nil) }
                index = (index + 1) & (slots.count - 1)
            }
        }
    }
}
