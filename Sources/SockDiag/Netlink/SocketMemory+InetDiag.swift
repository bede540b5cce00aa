// The decoders of the memory attributes, beside the netlink code that hands them their bytes: Model/ holds plain
// values that other sources (the /proc backend, tests) build too; every reader of kernel bytes sits in Netlink/.

extension SocketMemory.Counters {
    /// Decodes an `INET_DIAG_SKMEMINFO` payload: `u32 skmem[SK_MEMINFO_VARS]`, as many counters as the kernel has.
    /// - Parameter bytes: The attribute's payload, in host byte order.
    /// - Returns: `nil` when it holds fewer than ``minimumCount`` counters.
    @inline(__always)
    init?(skmeminfo bytes: UnsafeRawBufferPointer) {
        let count = bytes.count / 4
        guard count >= Self.minimumCount else { return nil }
        self.init(
            receiveAllocated: bytes.word(0),
            receiveBuffer: bytes.word(1),
            sendAllocated: bytes.word(2),
            sendBuffer: bytes.word(3),
            forwardAllocated: bytes.word(4),
            sendQueued: bytes.word(5),
            optionMemory: bytes.word(6),
            backlog: count > 7 ? bytes.word(7) : nil,
            drops: count > 8 ? bytes.word(8) : nil
        )
    }
}

extension SocketMemory.Queues {
    /// Decodes an `INET_DIAG_MEMINFO` payload: `struct inet_diag_meminfo` (rmem, wmem, fmem, tmem; u32 each).
    /// - Parameter bytes: The attribute's payload, in host byte order.
    /// - Returns: `nil` when it is shorter than 16 bytes.
    @inline(__always)
    init?(meminfo bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= 16 else { return nil }
        self.init(receive: bytes.word(0), send: bytes.word(1), forwardAllocated: bytes.word(2), transmit: bytes.word(3))
    }
}
