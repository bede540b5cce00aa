import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// On the listening channel: what to do when accept() fails for want of a descriptor or of memory.
///
/// NIO (2.101) keeps a listener registered for readability after a failed accept(), and epoll is level-triggered:
/// with the process out of descriptors (EMFILE) and a connection waiting in the accept queue, it retries at once,
/// a busy loop that accepts nothing. (NIO's `AcceptBackoffHandler` does not help here: it delays the next `read()`,
/// which NIO does not issue while the failed one is still pending.) So this handler closes the connection that has
/// waited longest, when there is one, so that the next accept() has a descriptor; when there is none, it stops
/// reading from the listener (`autoRead` off) for ``backoff`` and tries again then. It says so on stderr at most
/// once a minute.
final class AcceptFailureHandler: ChannelInboundHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    /// How long accepting pauses when nothing could be freed.
    static let backoff = TimeAmount.milliseconds(100)

    private let table: ConnectionTable
    private var lastReport: NIODeadline?
    private var resume: Scheduled<Void>?

    init(table: ConnectionTable) {
        self.table = table
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        resume?.cancel()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let error = error as? IOError, [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error.errnoCode) else {
            context.fireErrorCaught(error)
            return
        }
        let outOfDescriptors = error.errnoCode == EMFILE || error.errnoCode == ENFILE
        let evicted = outOfDescriptors && table.evictForDescriptor()
        if !evicted { pause(context) }
        let now = NIODeadline.now()
        if lastReport.map({ now - $0 >= .minutes(1) }) ?? true {
            lastReport = now
            let action =
                evicted
                ? "closed the connection waiting longest"
                : "accepting again in \(Self.backoff.nanoseconds / 1_000_000) ms"
            log(
                "cannot accept a connection: \(String(cString: strerror(error.errnoCode))); \(action) "
                    + "(reported once a minute)"
            )
        }
    }

    /// Stops reading from the listener for ``backoff``.
    private func pause(_ context: ChannelHandlerContext) {
        guard resume == nil, let options = context.channel.syncOptions else { return }
        try? options.setOption(.autoRead, value: false)
        resume = context.eventLoop.assumeIsolated().scheduleTask(in: Self.backoff) { [self] in
            resume = nil
            try? options.setOption(.autoRead, value: true)
        }
    }
}
