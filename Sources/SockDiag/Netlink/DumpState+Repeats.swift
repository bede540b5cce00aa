/// The socket cookies one inet_diag dump has delivered, to count the sockets the kernel sends twice in it (see
/// ``SocketQuery/detectRepeats``). One per inspector, emptied for each dump with its capacity kept.
struct RepeatDetector {
    private var cookies = Set<UInt64>()

    /// Forgets the cookies of the previous dump, keeping the set's storage.
    mutating func reset() {
        cookies.removeAll(keepingCapacity: true)
    }

    /// Records the socket of the reply `payload` (an `inet_diag_msg`); returns whether the dump already sent it.
    /// - Throws: ``SockDiagError`` `malformedMessage` when `payload` is not an `inet_diag_msg`.
    mutating func isRepeat(_ payload: UnsafeRawBufferPointer) throws(SockDiagError) -> Bool {
        !cookies.insert(try InetDiagMessage(payload).cookie).inserted
    }
}
