internal import CSockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How running one batch of reply bytes (one received datagram, or a whole captured dump) ended.
///
/// The corresponding C type is `CSockDiag_dump_result`, with errno and the handler's error attached.
enum BatchEnd {
    /// The dump ended normally (`NLMSG_DONE`, or an acknowledgment).
    case done
    /// The batch ended without `NLMSG_DONE`: the dump goes on in the next datagram.
    case continues
    /// The dump failed in this batch.
    case failed(DumpFailure)
}

/// Why a dump ended early, and what that means for the replies still on the socket.
///
/// This is where the shim's results become errors, and where it is decided whether the dump's replies are over: the
/// receive loop (``DumpState``) drains what is left or gives the socket up accordingly.
enum DumpFailure {
    /// The payload handler threw this error.
    case stopped(any Error)
    /// A reply carried `NLM_F_DUMP_INTR`: the tables changed while the kernel walked them.
    case interrupted
    /// The kernel's error (`NLMSG_ERROR`, or the error `NLMSG_DONE` carried), or the framing's: `EBADMSG` for a
    /// batch whose messages do not tile it, `EPROTO` for a reply to another sequence number, `ESRCH` for one to
    /// another port id.
    case errno(Errno)

    /// Where the rest of a dump that ended early is.
    enum UnreadReplies {
        /// Nowhere: the kernel ended the dump (an `NLMSG_ERROR` reply ends it).
        case none
        /// In this batch (which may hold the dump's end) and perhaps in the datagrams after it.
        case fromThisBatch
        /// In the datagrams after this batch, whose own content is unusable (bad framing, a stray sequence number
        /// or port id).
        case afterThisBatch
    }

    /// What of the dump is still to be read from the socket.
    var unreadReplies: UnreadReplies {
        switch self {
        case .stopped, .interrupted:
            return .fromThisBatch
        case .errno(let errno):
            let framing = errno == .badMessage || errno.rawValue == EPROTO || errno.rawValue == ESRCH
            return framing ? .afterThisBatch : .none
        }
    }

    /// The error the dump ends with.
    /// - Parameter operation: What was being done, for the message (e.g. `tcp/inet dump`).
    func error(operation: @autoclosure () -> String) -> any Error {
        switch self {
        case .stopped(let error):
            return error
        case .interrupted:
            return SockDiagError(
                code: .dumpInterrupted,
                errno: .interrupted,
                operation: operation(),
                message: "\(operation()): the kernel flagged the dump as interrupted (NLM_F_DUMP_INTR)"
            )
        case .errno(let errno):
            return SockDiagError.fromErrno(errno, operation: operation())
        }
    }
}

/// Calls `body` with a ``BatchRunner`` that forwards every socket reply's payload to `handler`.
///
/// The handler is made reachable from C once for all the batches of a dump (that costs one allocation), not once
/// per batch.
/// - Parameters:
///   - handler: Called once per reply payload (valid only during the call). An error it throws stops the batch,
///     which then ends with ``DumpFailure/stopped(_:)``.
///   - body: Runs the batches.
func withBatchRunner<Result>(
    handler: (UnsafeRawBufferPointer) throws -> Void,
    _ body: (BatchRunner) throws -> Result
) rethrows -> Result {
    try withoutActuallyEscaping(handler) { handler in
        var context = CallbackContext(handler: handler)
        return try withUnsafeMutablePointer(to: &context) { pointer in
            try body(BatchRunner(context: pointer))
        }
    }
}

/// Runs batches of reply bytes through the shim's `mnl_cb_run` trampoline (see ``withBatchRunner(handler:_:)``).
struct BatchRunner {
    fileprivate let context: UnsafeMutablePointer<CallbackContext>

    /// Runs one batch, passing every socket reply's payload to the handler.
    ///
    /// The corresponding C function is `CSockDiag_run_batch`.
    /// - Parameters:
    ///   - batch: Whole netlink messages.
    ///   - sequence: The request's sequence number, which every reply must carry; 0 for a captured dump (no check).
    ///   - portID: The socket's port id, which every reply must carry; 0 for a captured dump (no check).
    /// - Returns: How the batch ended.
    func run(_ batch: UnsafeRawBufferPointer, sequence: UInt32, portID: UInt32) -> BatchEnd {
        context.pointee.error = nil
        let result = CSockDiag_run_batch(batch.baseAddress, batch.count, sequence, portID, forwardPayload, context)
        switch result {
        case .done:
            return .done
        case .continues:
            return .continues
        case .stopped:
            return .failed(.stopped(context.pointee.error ?? SockDiagError.malformed("dump stopped without a reason")))
        case .interrupted:
            return .failed(.interrupted)
        case .failed:
            return .failed(.errno(Errno.current))
        }
    }
}

/// The C callback: passes a payload to the handler in `CallbackContext`, returning 0 (stop) when it throws.
private let forwardPayload: CSockDiag_message_cb = { payload, length, rawContext in
    let context = rawContext!.assumingMemoryBound(to: CallbackContext.self)
    do {
        try context.pointee.handler(UnsafeRawBufferPointer(start: payload, count: length))
        return 1
    } catch {
        context.pointee.error = error
        return 0
    }
}

/// What the C callback reaches through its context pointer.
private struct CallbackContext {
    let handler: (UnsafeRawBufferPointer) throws -> Void
    var error: (any Error)?
}

/// Runs a captured dump (concatenated reply datagrams, up to and including `NLMSG_DONE`) through the same
/// trampoline as live replies, without sequence or port checks.
/// - Parameters:
///   - bytes: The reply datagrams.
///   - operation: What is being done, for error messages.
///   - handler: Called once per reply payload.
/// - Throws: ``SockDiagError`` (`malformedMessage` for truncated or malformed bytes or a capture without
///   `NLMSG_DONE`, the kernel's error for an `NLMSG_ERROR` reply), or what `handler` throws.
func runCapturedDump(
    _ bytes: UnsafeRawBufferPointer,
    operation: @autoclosure () -> String,
    handler: (UnsafeRawBufferPointer) throws -> Void
) throws {
    try withBatchRunner(handler: handler) { runner in
        switch runner.run(bytes, sequence: 0, portID: 0) {
        case .done:
            return
        case .continues:
            throw SockDiagError.malformed("captured dump ends without NLMSG_DONE")
        case .failed(let failure):
            throw failure.error(operation: operation())
        }
    }
}
