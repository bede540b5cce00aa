import SockDiag
import SockDiagFormatting

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension Listing {
    /// `-E`: prints each destroyed socket that the selection and the filter admit, one flushed line each (a JSON
    /// object per line with `--json`), until SIGINT or SIGTERM, which end it with status 0.
    func followEvents() throws {
        try Self.checkEvents(options, query: query)
        try enterNamespaceIfAsked()
        var source = try SocketEventSource(protocols: query.protocols, families: query.families)
        Self.exitQuietlyOnInterrupt()
        // A destroyed socket is in CLOSE whatever the states asked for: ss applies families, protocols and the
        // filter only, and so does sockdiag.
        var admitted = query
        admitted.states = .all
        var writer = RowWriter(for: self)
        var json: JSONFormatter? = options.json ? JSONFormatter() : nil
        if json == nil { writer.start() }
        try writer.sink.flush()
        var overruns = 0
        while true {
            let socket = try source.next()
            if options.verbose && source.overruns != overruns {
                StandardError.note("\(source.overruns - overruns) announcements lost: the receive buffer was full")
                overruns = source.overruns
            }
            guard admitted.protocols.contains(socket.transport), admitted.families.contains(socket.family),
                admitted.matches(socket)
            else { continue }
            if json != nil {
                writer.sink.withBytes { json!.writeLine(socket, to: &$0) }
            } else {
                try writer.write(socket, owners: nil)
                // As ss, which lays out and writes its rows after each event.
                try writer.writeRows()
            }
            try writer.sink.flush()
        }
    }

    /// What `-E` cannot be combined with.
    static func checkEvents(_ options: Invocation, query: SocketQuery) throws(UsageError) {
        let refused: [(Bool, String)] = [
            (options.summary, "-s"), (options.kill, "-K"), (options.processes, "-p"), (options.diag != nil, "-D"),
            (options.replayPath != nil, "a capture (--from, TCPDIAG_FILE)"), (options.allNamespaces, "--all-netns"),
            (options.backend == .proc, "--backend proc"), (options.memory || options.info, "-m/-i"),
        ]
        if let (_, name) = refused.first(where: { $0.0 }) {
            throw UsageError(
                "-E/--events cannot be combined with \(name): it prints sockets as the kernel destroys them"
            )
        }
        guard query.protocols.contains(.tcp) || query.protocols.contains(.udp) else {
            throw UsageError("-E/--events: the kernel announces destroyed TCP and UDP sockets only")
        }
        if query.filter.needsKernel {
            throw UsageError(
                "-E/--events: 'autobound' needs the kernel's bind lock, which a destroyed socket no longer has"
            )
        }
    }

    /// Makes SIGINT and SIGTERM end the process with status 0 (every line is already written).
    static func exitQuietlyOnInterrupt() {
        let handler: @convention(c) (Int32) -> Void = { _ in _exit(0) }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }
}
