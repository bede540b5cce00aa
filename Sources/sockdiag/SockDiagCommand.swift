import ArgumentParser
import SockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `sockdiag`: list internet sockets from the kernel's tables, with ss's options and output.
@main
struct SockDiagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sockdiag",
        abstract: "List TCP and UDP sockets from the kernel's socket tables (NETLINK_SOCK_DIAG), like ss.",
        discussion: """
            Without -t/-u both TCP and UDP are shown; without -4/-6 both families. Without -a, -l or --state, \
            what ss shows by default: every state but LISTEN, TIME-WAIT, SYN-RECV and UNCONN/CLOSE.
            Addresses and ports are always numeric.

            Examples:
              sockdiag --state time-wait --port 8000
              sockdiag -tan
              sockdiag -tl --json
            """,
        version: sockdiagVersion
    )

    @OptionGroup var selection: SocketSelection

    @Flag(name: [.customShort("n"), .long], help: "Numeric addresses and ports (always the case; accepted for ss habits).")
    var numeric = false

    @Flag(name: [.customShort("H"), .customLong("no-header")], help: "Do not print the header line.")
    var noHeader = false

    @Flag(name: .long, help: "Print one JSON array of sockets instead of the table (schema in README.md).")
    var json = false

    @Flag(
        name: [.customShort("s"), .long],
        help: "Print totals by protocol, family and state (like ss -s) from one dump plus /proc/net/sockstat."
    )
    var summary = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Where to read sockets: netlink (sock_diag, the default) or proc (/proc/net/{tcp,udp}{,6}).",
            discussion: "Without sock_diag in the kernel, sockdiag falls back to proc by itself and says so.",
            valueName: "backend"
        )
    )
    var backend: Backend = .netlink

    @Flag(name: .customShort("V"), help: "Print the version and exit.")
    var printVersion = false

    @Flag(name: [.customShort("v"), .customLong("verbose")], help: "Say on stderr where the filter ran and what the dump cost.")
    var verbose = false

    mutating func validate() throws {
        let query = try selection.query()
        if backend == .proc && query.states.contains(.boundInactive) {
            throw ValidationError("--backend proc cannot show bound-inactive sockets (-B): /proc/net does not list them")
        }
    }

    func run() throws {
        if printVersion {
            print(sockdiagVersion)
            return
        }
        let query = try selection.query()
        // The kernel's counters first, so that they do not count sockdiag's own netlink socket (ss reads them
        // without opening one).
        let kernelCounters = summary ? KernelSocketStatistics.read() : nil
        var source = try openSource(for: query)
        var sink = OutputSink(fileDescriptor: STDOUT_FILENO)
        while true {
            do {
                try emit(from: source, query: query, kernelCounters: kernelCounters, into: &sink)
                return
            } catch let error as SockDiagError {
                // sock_diag answered "no handler": read /proc instead, unless output already went out.
                guard case .netlink = source, SocketSource.isUnavailable(error), !sink.hasWritten,
                    !query.states.contains(.boundInactive)
                else { throw error }
                Self.note("\(error.message); reading /proc/net instead")
                sink.discard()
                source = .proc(ProcSocketReader())
            }
        }
    }

    /// The backend asked for; /proc when sock_diag cannot be opened.
    func openSource(for query: SocketQuery) throws -> SocketSource {
        if backend == .proc { return .proc(ProcSocketReader()) }
        let inspector: SocketInspector
        do {
            inspector = try SocketInspector()
        } catch {
            guard SocketSource.isUnavailable(error), !query.states.contains(.boundInactive) else { throw error }
            Self.note("\(error.message); reading /proc/net instead")
            return .proc(ProcSocketReader())
        }
        return .netlink(inspector)
    }

    /// Writes the summary and/or the sockets.
    func emit(
        from source: SocketSource,
        query: SocketQuery,
        kernelCounters: KernelSocketStatistics?,
        into sink: inout OutputSink
    ) throws {
        if let kernelCounters {
            let counts = try source.count(matching: SocketQuery(protocols: [.tcp, .udp], states: .all))
            let totals = SocketSummary(counts: counts, kernel: kernelCounters)
            sink.withBytes { json ? SummaryFormatter.writeJSON(totals, to: &$0) : SummaryFormatter.writeText(totals, to: &$0) }
            // As ss: with nothing else asked for, the summary is all.
            guard selection.asksForSockets else {
                try sink.flush()
                return
            }
            if !json { sink.withBytes { $0.append(UInt8(ascii: "\n")) } }
        }
        let report: DumpReport?
        if json {
            var formatter = JSONFormatter()
            sink.withBytes { formatter.writeStart(to: &$0) }
            report = try source.forEachSocket(matching: query) { socket in
                sink.withBytes { formatter.write(socket, to: &$0) }
                try sink.flushIfNeeded()
            }
            sink.withBytes { formatter.writeEnd(to: &$0) }
        } else {
            var formatter = TableFormatter(families: query.families)
            if !noHeader {
                sink.withBytes { formatter.writeHeader(to: &$0) }
            }
            report = try source.forEachSocket(matching: query) { socket in
                sink.withBytes { formatter.write(socket, to: &$0) }
                try sink.flushIfNeeded()
            }
        }
        try sink.flush()
        if verbose {
            Self.note(report.map(Self.describe) ?? "read /proc/net; filtered in sockdiag")
        }
    }

    /// One line saying where the filter ran and what the dump cost.
    static func describe(_ report: DumpReport) -> String {
        var text: String
        switch report.filterPlacement {
        case .none: text = "no filter beyond the states"
        case .kernel: text = "filter ran in the kernel"
        case .swift:
            if let rejection = report.kernelRejection {
                text = "the kernel rejected the filter (\(rejection.errno.map(String.init(describing:)) ?? "error")); filtered in sockdiag instead"
            } else {
                text = "filter ran in sockdiag (--no-kernel-filter)"
            }
        }
        return "\(text); \(report.requests) requests, \(report.messages) replies, \(report.sockets) sockets shown"
    }

    /// Writes `sockdiag: MESSAGE` to standard error.
    static func note(_ message: String) {
        let line = "sockdiag: \(message)\n"
        line.withCString { text in _ = write(STDERR_FILENO, text, strlen(text)) }
    }

    /// Runs the command; usage errors exit 2 with one line, runtime errors exit 1 with one line.
    static func main() {
        let command: SockDiagCommand
        do {
            let parsed = try parseAsRoot()
            guard let ours = parsed as? SockDiagCommand else {
                // ArgumentParser's own commands (help): let them run.
                var other = parsed
                try other.run()
                Glibc.exit(0)
            }
            command = ours
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            fail(message(for: error), status: 2)
        }
        do {
            try command.run()
        } catch let error as ExitCode {
            Glibc.exit(error.rawValue)
        } catch {
            fail(String(describing: error), status: 1)
        }
    }

    /// Writes `sockdiag: MESSAGE` as one line to standard error and exits with `status`.
    static func fail(_ message: String, status: Int32) -> Never {
        var line = "sockdiag: "
        var lastWasSpace = false
        for character in message {
            if character.isNewline || character == "\t" {
                if !lastWasSpace { line.append(" ") }
                lastWasSpace = true
            } else {
                line.append(character)
                lastWasSpace = character == " "
            }
        }
        while line.last == " " { line.removeLast() }
        line.append("\n")
        line.withCString { text in _ = write(STDERR_FILENO, text, strlen(text)) }
        Glibc.exit(status)
    }
}

let sockdiagVersion = "sockdiag 0.1.0"
