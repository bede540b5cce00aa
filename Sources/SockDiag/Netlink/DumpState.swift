internal import CSockDiag

/// The inspector's reusable resources, and the exchange of one dump request with the kernel.
struct DumpState: ~Copyable {
    let socket: NetlinkSocket
    /// The port id the kernel bound the socket to, which its replies carry.
    let portID: UInt32
    /// Set when a failure left unread replies of unknown extent on the socket. The socket is never reopened: a
    /// new one would belong to the namespace of whichever thread happens to query, not the creator's.
    var unusable = false
    let buffer: UnsafeMutableRawBufferPointer
    var sequence: UInt32 = 0
    /// The extension attributes' storage of the last socket decoded, reused when the caller dropped that socket.
    var reuse: SocketDetails.Storage?
    /// The cookies of the current dump, when its query detects repeats.
    var repeats = RepeatDetector()
    /// The gate the next exchanges keep their replies behind while it is closed (``SocketInspector/readAhead``).
    var readAhead: DumpReadAhead?

    init(socket: consuming NetlinkSocket) {
        self.portID = CSockDiag_port_id(socket.handle)
        self.socket = socket
        self.buffer = .allocate(byteCount: Int(CSOCKDIAG_DUMP_BUFFER_SIZE), alignment: 8)
    }

    deinit {
        buffer.deallocate()
    }

    /// Sends one dump request with `send` (a shim call given the socket, the buffer and the sequence number) and
    /// passes every reply payload to `handler` until the dump ends; `observe`, when given, gets every datagram once
    /// its replies went through `handler` (to record them: ``DumpCapture``).
    ///
    /// When the dump fails before its end, the rest of its replies is read and discarded so that the socket can
    /// serve the next request; where that is impossible the socket is marked unusable.
    mutating func runDump(
        label: String,
        send: (OpaquePointer?, UnsafeMutableRawBufferPointer, UInt32) -> Int32,
        observe: ((UnsafeRawBufferPointer) throws -> Void)? = nil,
        handler: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        if let answer = try exchange(label: "\(label) dump", send: send, observe: observe, handler: handler) {
            throw SockDiagError.fromErrno(answer, operation: "\(label) dump")
        }
    }

    /// Sends one request with `send` and passes every reply payload to `handler` until the kernel ends the exchange
    /// (`NLMSG_DONE`, or an `NLMSG_ERROR` acknowledgment).
    ///
    /// - Returns: The error number the kernel answered with (an `NLMSG_ERROR` with an error, or `NLMSG_DONE`
    ///   carrying one), which ends the exchange and leaves nothing to read; `nil` when it succeeded.
    /// - Throws: ``SockDiagError`` when sending or receiving failed or the replies were malformed (the rest is
    ///   discarded, or the socket marked unusable), or what `handler` or `observe` throws.
    mutating func exchange(
        label: @autoclosure () -> String,
        send: (OpaquePointer?, UnsafeMutableRawBufferPointer, UInt32) -> Int32,
        observe: ((UnsafeRawBufferPointer) throws -> Void)? = nil,
        handler: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> Errno? {
        if unusable {
            throw SockDiagError(
                code: .socketUnavailable,
                operation: label(),
                message: "an earlier failure left the netlink socket in an unknown state; create a new SocketInspector"
            )
        }
        sequence = sequence == UInt32.max ? 1 : sequence + 1
        let sequence = self.sequence
        let handle = socket.handle
        let buffer = self.buffer
        _ = try retryingOnInterrupt("send \(label()) request") {
            send(handle, buffer, sequence)
        }
        // Replies kept while the read-ahead gate is closed (not when they are recorded: `observe` sees each batch
        // as it is run).
        var kept: KeptReplies?
        if let gate = readAhead, observe == nil, gate.canWait, !gate.isOpen { kept = KeptReplies(capacity: gate.limit) }
        return try withBatchRunner(handler: handler) { runner in
            while true {
                let received = try receive(sequence: sequence, operation: label())
                let batch = UnsafeRawBufferPointer(rebasing: buffer[..<received])
                if let replies = kept, let gate = readAhead {
                    let keptNow = !gate.isOpen && replies.keep(batch, sequence: sequence)
                    if keptNow && !replies.holdsEnd { continue }
                    gate.waitUntilOpen()
                    kept = nil
                    let ended = replies.holdsEnd || (!keptNow && KeptReplies.endsDump(batch, sequence: sequence))
                    switch try replay(replies, runner: runner, sequence: sequence, ended: ended, label: label()) {
                    case .finished(let answer): return answer
                    case .continues: if keptNow { continue }
                    }
                }
                switch runner.run(batch, sequence: sequence, portID: portID) {
                case .continues:
                    guard let observe else { continue }
                    do {
                        try observe(batch)
                    } catch {
                        drain(sequence: sequence, batchLength: 0)
                        throw error
                    }
                case .done:
                    try observe?(batch)
                    return nil
                case .failed(let failure):
                    switch failure.unreadReplies {
                    case .none:
                        if case .errno(let answer) = failure { return answer }
                    case .fromThisBatch: drain(sequence: sequence, batchLength: received)
                    case .afterThisBatch: drain(sequence: sequence, batchLength: 0)
                    }
                    throw failure.error(operation: label())
                }
            }
        }
    }

    /// How replaying kept replies ended.
    enum Replayed {
        /// The dump ended there: ``exchange(label:send:observe:handler:)`` returns this.
        case finished(Errno?)
        /// The dump goes on in the next datagram.
        case continues
    }

    /// Runs the kept replies through `runner`, as ``exchange(label:send:observe:handler:)`` runs each datagram.
    /// - Parameter ended: Whether the dump's end was received (kept, or in the datagram in the buffer): then
    ///   nothing is left to read when a kept batch fails.
    private mutating func replay(
        _ replies: KeptReplies,
        runner: BatchRunner,
        sequence: UInt32,
        ended: Bool,
        label: @autoclosure () -> String
    ) throws -> Replayed {
        var outcome = Replayed.continues
        var failure: DumpFailure?
        let portID = self.portID
        replies.forEach { batch in
            switch runner.run(batch, sequence: sequence, portID: portID) {
            case .continues: return true
            case .done: outcome = .finished(nil)
            case .failed(let failed): failure = failed
            }
            return false
        }
        guard let failure else { return outcome }
        if case .none = failure.unreadReplies, case .errno(let answer) = failure { return .finished(answer) }
        if !ended { drain(sequence: sequence, batchLength: 0) }
        throw failure.error(operation: label())
    }

    /// Receives the next datagram of dump `sequence` into the buffer and returns its length (more than 0).
    private mutating func receive(sequence: UInt32, operation: @autoclosure () -> String) throws(SockDiagError) -> Int {
        let handle = socket.handle
        let buffer = self.buffer
        let received: Int32
        do throws(SockDiagError) {
            received = try retryingOnInterrupt(operation()) {
                CSockDiag_receive(handle, buffer.baseAddress, buffer.count)
            }
        } catch {
            // A truncated datagram (ENOSPC) is consumed and the dump goes on behind it; after any other receive
            // error the socket's state is unknown.
            if error.errno == .noSpace {
                drain(sequence: sequence, batchLength: 0)
            } else {
                unusable = true
            }
            throw error
        }
        guard received > 0 else {
            unusable = true
            throw SockDiagError.fromErrno(.badMessage, operation: operation())
        }
        return Int(received)
    }

    /// Reads and discards the rest of dump `sequence` (starting with the batch of `batchLength` bytes still in the
    /// buffer, if any), or marks the socket unusable when that fails.
    ///
    /// The corresponding C function is `CSockDiag_drain`.
    private mutating func drain(sequence: UInt32, batchLength: Int) {
        if CSockDiag_drain(socket.handle, buffer.baseAddress, buffer.count, batchLength, sequence) != 0 {
            unusable = true
        }
    }
}
