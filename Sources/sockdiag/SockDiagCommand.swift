import ArgumentParser
import SockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `sockdiag`: the root of the command tree. Without a subcommand it lists sockets (``ListCommand``), as ss does.
@main
struct SockDiagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sockdiag",
        abstract:
            "List sockets from the kernel's socket tables (NETLINK_SOCK_DIAG) like ss, check binds, export metrics.",
        discussion: """
            Without a subcommand, sockdiag lists sockets: `sockdiag -tan` is `sockdiag list -tan` \
            (see sockdiag list --help, which sockdiag --help shows too).
            """,
        version: sockdiagVersion,
        subcommands: [ListCommand.self, BindCheckCommand.self, FreeCommand.self, ExporterCommand.self],
        defaultSubcommand: ListCommand.self
    )

    /// Runs the command; usage errors exit 2 with one line, runtime errors exit 1 with one line.
    ///
    /// Ordinary listing command lines take a fast path that skips ArgumentParser's reflection (about 2.5 ms of
    /// startup in a static binary); anything else (help, an unknown option, a bad value) goes through
    /// ArgumentParser, which owns the definitive spelling, help and error messages. `exporter` hands its arguments,
    /// `--help` included, to `sockdiag-exporter` untouched. The arguments are the ones the C runtime handed over
    /// (`ProcessArguments`), so that they do not depend on /proc.
    static func main() {
        let commandLine = ProcessArguments.current
        guard !commandLine.isEmpty else { StandardError.fail(ProcessArguments.unavailableMessage, status: 1) }
        var arguments = Array(commandLine.dropFirst())
        if let script = CompletionScript.requested(by: arguments) {
            print(script)
            Glibc.exit(0)
        }
        switch arguments.first {
        case ExporterCommand.configuration.commandName:
            ExporterDispatch.exec(Array(arguments.dropFirst()))
        case BindCheckCommand.configuration.commandName:
            arguments = [arguments[0]] + BindCheckCommand.normalize(Array(arguments.dropFirst()))
        case FreeCommand.configuration.commandName:
            arguments = [arguments[0]] + FreeCommand.normalize(Array(arguments.dropFirst()))
        case "help":
            break
        default:
            let listing =
                arguments.first == ListCommand.configuration.commandName ? arguments.dropFirst() : arguments[...]
            if let invocation = FastArguments.parse(listing) {
                exitAfter { try invocation.run() }
            }
            // `sockdiag --help` is the listing's help, as before the listing became a subcommand.
            if listing.count == 1 && (listing.first == "--help" || listing.first == "-h") {
                arguments = [ListCommand.configuration.commandName!] + listing
            }
            arguments = ProcessArguments.attachingNegativeNumbers(
                arguments,
                where: SocketSelection.numericOptions.contains
            )
        }
        let command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            exitIfHelp(error)
            StandardError.fail(message(for: error), status: 2)
        }
        exitAfter {
            var command = command
            try command.run()
        }
    }

    /// Runs `body` and exits: 0, the status of an `ExitCode` it throws, 2 with one line for a ``UsageError``, 1 with
    /// one line for any other error.
    static func exitAfter(_ body: () throws -> Void) -> Never {
        do {
            try body()
            Glibc.exit(0)
        } catch let error as ExitCode {
            Glibc.exit(error.rawValue)
        } catch let error as UsageError {
            StandardError.fail(error.message, status: 2)
        } catch {
            // `sockdiag help [SUBCOMMAND]` reports the help it prints as an error.
            exitIfHelp(error)
            StandardError.fail(String(describing: error), status: 1)
        }
    }

    /// Prints the help or version `error` asks for and exits 0; returns for any other error.
    static func exitIfHelp(_ error: any Error) {
        guard exitCode(for: error) == .success else { return }
        print(fullMessage(for: error))
        Glibc.exit(0)
    }
}

let sockdiagVersion = "sockdiag 0.1.0"
