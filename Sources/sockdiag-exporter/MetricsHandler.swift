import NIOCore
import NIOHTTP1

/// Answers `GET /metrics` with the scraper's text and `GET /` with a landing page linking to it; `HEAD` as `GET`
/// without the body (Content-Length included: a HEAD of /metrics makes a dump); 404 for other paths, 405 for other
/// methods, 500 when the dump failed, each with `Connection: close` and the connection closed after it. Keep-alive
/// and pipelining are NIO's (`configureHTTPServerPipeline`); deadlines and the connection cap are
/// ``ConnectionGuard``'s.
final class MetricsHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// The Prometheus text exposition format.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// What `/` serves, as exporters built on Prometheus's exporter-toolkit do.
    static let landingPage = """
        <!DOCTYPE html>
        <html>
        <head><meta charset="utf-8"><title>sockdiag exporter</title></head>
        <body>
        <h1>sockdiag exporter</h1>
        <p>The kernel's socket tables as Prometheus metrics.</p>
        <ul><li><a href="/metrics">Metrics</a></li></ul>
        </body>
        </html>

        """

    private let scraper: Scraper
    private var head: HTTPRequestHead?

    init(scraper: Scraper) {
        self.scraper = scraper
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            answer(head, context: context)
        }
    }

    private func answer(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard path == "/metrics" || path == "/" else {
            respond(
                to: head,
                status: .notFound,
                body: ByteBuffer(string: "404 not found: try /metrics\n"),
                context: context
            )
            return
        }
        guard head.method == .GET || head.method == .HEAD else {
            respond(
                to: head,
                status: .methodNotAllowed,
                extraHeaders: [("Allow", "GET, HEAD")],
                body: ByteBuffer(string: "405 method not allowed: \(path) takes GET or HEAD\n"),
                context: context
            )
            return
        }
        guard path == "/metrics" else {
            let page = ByteBuffer(string: Self.landingPage)
            respond(to: head, status: .ok, contentType: "text/html; charset=utf-8", body: page, context: context)
            return
        }
        scraper.scrape(on: context.eventLoop).hop(to: context.eventLoop).assumeIsolated().whenComplete { result in
            // The client may have gone while the dump ran.
            guard context.channel.isActive else { return }
            switch result {
            case .success(let body):
                self.respond(
                    to: head,
                    status: .ok,
                    contentType: Self.contentType,
                    body: body,
                    context: context
                )
            case .failure(let error):
                self.respond(
                    to: head,
                    status: .internalServerError,
                    body: ByteBuffer(string: "500 the dump failed: \(error)\n"),
                    context: context
                )
            }
        }
    }

    private func respond(
        to request: HTTPRequestHead,
        status: HTTPResponseStatus,
        contentType: String = "text/plain; charset=utf-8",
        extraHeaders: [(String, String)] = [],
        body: ByteBuffer,
        context: ChannelHandlerContext
    ) {
        var headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", "\(body.readableBytes)")])
        headers.add(contentsOf: extraHeaders)
        // A client that got an error is not worth a connection slot.
        let keepAlive = request.isKeepAlive && status == .ok
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: request.version, status: status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        // HEAD: the headers GET would send, Content-Length included, and no body.
        if request.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
