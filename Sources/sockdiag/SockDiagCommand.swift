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

            Why does bind() fail? sockdiag bind-check [ADDRESS:]PORT (see sockdiag bind-check --help).
            Prometheus metrics: sockdiag exporter [--listen ADDRESS:PORT] (see sockdiag exporter --help).

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

    @Flag(
        name: [.customShort("p"), .long],
        help: "Show the processes that hold each socket open, as ss -p (other users' processes need root)."
    )
    var processes = false

    @Option(
        name: [.customShort("N"), .customLong("net")],
        help: ArgumentHelp("Switch to the named network namespace first (/var/run/netns/NAME), as ss -N.", valueName: "name")
    )
    var namespace: String?

    @Flag(
        name: .customLong("all-netns"),
        help: "Every network namespace (/var/run/netns/* and /proc/*/ns/net), rows labelled with it; root to enter others."
    )
    var allNamespaces = false

    @Flag(name: .customShort("V"), help: "Print the version and exit.")
    var printVersion = false

    @Flag(name: [.customShort("v"), .customLong("verbose")], help: "Say on stderr where the filter ran and what the dump cost.")
    var verbose = false

    @Flag(name: [.customShort("o"), .customLong("options")], help: "Show timers: timer:(kind,expiry,retransmits).")
    var options = false

    @Flag(
        name: [.customShort("e"), .customLong("extended")],
        help: "Show uid, inode, socket cookie (sk:), mark, cgroup, v6only and shutdown state; implies -o."
    )
    var extended = false

    @Flag(name: [.customShort("m"), .customLong("memory")], help: "Show socket memory: skmem:(r,rb,t,tb,f,w,o,bl,d).")
    var memory = false

    @Flag(
        name: [.customShort("i"), .customLong("info")],
        help: "Show TCP internals (tcp_info) and the congestion control algorithm on a second line."
    )
    var info = false

    /// The parsed options as plain values.
    var invocation: Invocation {
        Invocation(
            selection: selection.plain,
            numeric: numeric,
            noHeader: noHeader,
            json: json,
            summary: summary,
            backend: backend,
            printVersion: printVersion,
            verbose: verbose,
            options: options,
            extended: extended,
            memory: memory,
            info: info,
            processes: processes,
            namespace: namespace,
            allNamespaces: allNamespaces
        )
    }

    mutating func validate() throws {
        do {
            try invocation.validate()
        } catch {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        try invocation.run()
    }


    /// Runs the command; usage errors exit 2 with one line, runtime errors exit 1 with one line.
    ///
    /// Ordinary command lines take a fast path that skips ArgumentParser's reflection (about 2.5 ms of startup in
    /// a static binary); anything else (help, an unknown option, a bad value) goes through ArgumentParser, which
    /// owns the definitive spelling, help and error messages.
    static func main() {
        let arguments = CommandLine.arguments
        if arguments.count > 1 && arguments[1] == "bind-check" {
            BindCheckCommand.main(arguments: Array(arguments.dropFirst(2)))
        }
        if arguments.count > 1 && arguments[1] == "exporter" {
            ExporterDispatch.exec(Array(arguments.dropFirst(2)))
        }
        if let invocation = FastArguments.parse(CommandLine.arguments.dropFirst()) {
            do {
                try invocation.validate()
            } catch {
                fail(error.message, status: 2)
            }
            do {
                try invocation.run()
                Glibc.exit(0)
            } catch let error as UsageError {
                fail(error.message, status: 2)
            } catch {
                fail(String(describing: error), status: 1)
            }
        }
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
        } catch let error as UsageError {
            fail(error.message, status: 2)
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
