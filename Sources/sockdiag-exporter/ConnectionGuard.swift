import NIOCore
import NIOHTTP1

/// One client connection's deadlines and admission, between the HTTP codec and ``MetricsHandler``.
///
/// A connection waiting without a request under way is closed after `--idle-timeout`, and so is one whose client
/// does not take its answer for that long; a request must be complete (head and body) within `--header-timeout`
/// of its first byte, however slowly its bytes keep coming (slowloris). Waiting for a dump has no deadline. After
/// a protocol error (NIO's handler has written the 400) or an I/O error, the connection is closed. The connection
/// is registered in the ``ConnectionTable``, which may refuse it or close it to make room for another.
final class ConnectionGuard: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let table: ConnectionTable
    private let limits: ConnectionLimits
    private var context: ChannelHandlerContext?
    private var phase: ConnectionTable.Phase?
    private var deadline: Scheduled<Void>?
    /// Whether bytes of a request arrived while the connection was waiting, and its end has not.
    private var requestStarted = false
    /// Requests received whose answer is not written yet (more than one when pipelined).
    private var unanswered = 0
    /// Answers written whose last byte the kernel has not taken yet.
    private var unsent = 0
    /// Why this handler closed the connection, counted when it is gone.
    private var closeReason: ConnectionTable.CloseReason?

    init(table: ConnectionTable, limits: ConnectionLimits) {
        self.table = table
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        guard table.admit(context.channel) else {
            context.close(promise: nil)
            return
        }
        update()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        table.remove(context.channel, reason: closeReason)
        context.fireChannelInactive()
    }

    /// Called by ``RequestStartWatcher`` with every read, before the HTTP decoder sees it.
    func bytesArrived() {
        // Bytes that come while a request is answered are a pipelined request: its deadline starts when the
        // connection waits again (if more bytes come then) or the idle deadline closes it.
        guard phase == .waiting else { return }
        requestStarted = true
        update()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) {
            requestStarted = false
            unanswered += 1
            update()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        unanswered = max(0, unanswered - 1)
        unsent += 1
        update()
        let written = promise ?? context.eventLoop.makePromise()
        written.futureResult.assumeIsolated().whenComplete { [self] _ in
            unsent -= 1
            update()
        }
        context.write(data, promise: written)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        closeReason = closeReason ?? .error
        context.close(promise: nil)
    }

    /// Works out the phase after an event; on a change, tells the table and sets the phase's deadline.
    private func update() {
        guard let context, context.channel.isActive else { return }
        let now: ConnectionTable.Phase =
            unsent > 0 ? .sending : unanswered > 0 ? .answering : requestStarted ? .receiving : .waiting
        guard now != phase else { return }
        phase = now
        table.update(context.channel, to: now)
        deadline?.cancel()
        deadline = nil
        let (timeout, reason): (TimeAmount, ConnectionTable.CloseReason)
        switch now {
        case .answering: return
        case .waiting, .sending: (timeout, reason) = (limits.idleTimeout, .idleTimeout)
        case .receiving: (timeout, reason) = (limits.headerTimeout, .headerTimeout)
        }
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            guard let context = self.context else { return }
            closeReason = closeReason ?? reason
            context.close(promise: nil)
        }
    }
}

/// First in a connection's pipeline: tells the ``ConnectionGuard`` that bytes arrived, before the HTTP decoder
/// (which says nothing until a request head is complete) sees them.
final class RequestStartWatcher: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let connection: ConnectionGuard

    init(_ connection: ConnectionGuard) {
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection.bytesArrived()
        context.fireChannelRead(data)
    }
}
