import ArgumentParser
import SockDiag
import SockDiagFormatting

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `sockdiag free [ADDRESS:]PORT`: does what bind-check's remedies say (closes sockets no process holds, sends
/// SIGTERM to the processes that hold the port), safely, then proves the result with bind-check's test binds.
struct FreeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "free",
        abstract: "Free ADDRESS:PORT so that bind() works: close leftover sockets, stop their processes, prove it.",
        discussion: """
            Sockets no process holds (TIME_WAIT, orphaned FIN-WAIT) are closed with SOCK_DESTROY; every process \
            that holds a socket on the port (each worker of a pre-forked server) gets SIGTERM, and free waits up to \
            --timeout for the port (SIGKILL after it only with --force). Never signalled: PID 1, sockdiag's own \
            ancestors (the shell), docker-proxy, processes of a container, other users' processes (when not root); \
            for each, the plan says what to do instead. The plan is shown first: on a terminal free asks, --yes \
            skips the question, --dry-run stops there. Without a terminal it needs --yes or --dry-run.
            Exit status: 0 when the bind works as asked at the end (fresh test binds, as bind-check), 1 when it \
            does not, 2 on bad input.

            Examples:
              sockdiag free 8000
              sockdiag free 127.0.0.1:8000 --dry-run
              sockdiag free 8000 --yes --timeout 10 --force --json
              sockdiag free --udp 5353 -N mycontainer --yes
            """
    )

    @OptionGroup var bind: BindTargetOptions

    @Flag(name: .long, help: "Show the plan and change nothing.")
    var dryRun = false

    @Flag(name: [.customShort("y"), .long], help: "Carry out the plan without asking.")
    var yes = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "How long to wait for the signalled processes to let go of the port (default 5).",
            valueName: "seconds"
        )
    )
    var timeout: Double = 5

    @Flag(name: .long, help: "Send SIGKILL to the signalled processes still running at the timeout.")
    var force = false

    @Flag(name: .long, help: "Print the plan, what was done and the proof as one JSON object.")
    var json = false

    mutating func validate() throws {
        guard timeout > 0, timeout <= 3600 else {
            throw ValidationError("--timeout takes a number of seconds above 0, at most 3600")
        }
        if dryRun && yes {
            throw ValidationError("--dry-run and --yes contradict: a dry run does nothing")
        }
    }

    /// `--timeout -1` written `--timeout=-1`, and a negative number given as the port (`free -1`) moved behind `--`:
    /// ArgumentParser then refuses each as the value it is, with the message that says why.
    static func normalize(_ arguments: [String]) -> [String] {
        let attached = ProcessArguments.attachingNegativeNumbers(arguments) { $0 == "--timeout" }
        let end = attached.firstIndex(of: "--") ?? attached.endIndex
        var kept: [String] = []
        var moved: [String] = []
        for argument in attached[..<end] {
            let isValue = kept.last == "-N" || kept.last == "--net"
            if ProcessArguments.isNegativeNumber(argument) && !isValue {
                moved.append(argument)
            } else {
                kept.append(argument)
            }
        }
        guard !moved.isEmpty else { return attached }
        return kept + ["--"] + moved + attached[end...].dropFirst()
    }

    /// Frees the port; exits 0 (bindable as asked at the end), 1 (not, or the question was declined), 2 (bad input:
    /// no terminal to ask on, a namespace that is not there).
    func run() throws {
        if !dryRun && !yes && isatty(STDIN_FILENO) != 1 {
            throw UsageError("standard input is not a terminal to ask on: give --yes to free the port, or --dry-run")
        }
        let freed: Bool
        do {
            if let namespace = bind.namespace { try NetworkNamespace.enter(named: namespace) }
            freed = try free()
        } catch let error as SockDiagError where error.code == .namespaceNotFound {
            throw UsageError(error.message)
        }
        if !freed { throw ExitCode.failure }
    }

    /// Gathers the evidence, decides, shows, asks, carries out and proves; returns whether the bind works.
    func free() throws -> Bool {
        let target = try bind.bindTarget()
        let options = FreeOptions(
            reuseAddress: bind.reuseaddr, reusePort: bind.reuseport, timeout: timeout, force: force
        )
        let inspector = try SocketInspector()
        let plan = FreePlan(deciding: try inspector.freeEvidence(for: target, options: options))
        var planText: [UInt8] = []
        FreeReportFormatter.writePlanText(plan, to: &planText)
        if dryRun {
            if json {
                var bytes: [UInt8] = []
                let command = bind.evidenceCommand(port: target.port)
                FreeReportFormatter.writeJSON(
                    plan: plan, outcome: nil, dryRun: true, evidenceCommand: command, to: &bytes
                )
                try write(bytes, to: STDOUT_FILENO)
            } else {
                try write(planText + Array("dry run: nothing was done\n".utf8), to: STDOUT_FILENO)
            }
            return plan.alreadyBindable
        }
        // The plan goes where the person reads it; with --json, standard output holds only the object.
        if !json { try write(planText, to: STDOUT_FILENO) }
        if !yes && !plan.isEmpty {
            if json { try write(planText, to: STDERR_FILENO) }
            guard ask("go ahead? [y/N] ") else {
                StandardError.note("nothing was done")
                return false
            }
        }
        let outcome = try inspector.free(plan, options: options)
        // The proof's remedies name what free would do about what is left, as bind-check's do.
        let remaining = FreeEvidence(
            check: outcome.proof, scan: SocketOwnerScan(owners: outcome.remainingOwners), options: options
        )
        let advice = FreeAdvice(plan: FreePlan(deciding: remaining), command: bind.freeCommand(target))
        let command = bind.evidenceCommand(port: target.port)
        var bytes: [UInt8] = []
        if json {
            FreeReportFormatter.writeJSON(
                plan: plan, outcome: outcome, dryRun: false, evidenceCommand: command, free: advice, to: &bytes
            )
        } else {
            FreeReportFormatter.writeOutcomeText(outcome, evidenceCommand: command, free: advice, to: &bytes)
        }
        try write(bytes, to: STDOUT_FILENO)
        return outcome.freed
    }

    /// Asks on standard error and reads the answer from standard input: `y` or `yes` agrees.
    func ask(_ question: String) -> Bool {
        question.withCString { _ = Glibc.write(STDERR_FILENO, $0, strlen($0)) }
        guard let answer = readLine()?.lowercased() else { return false }
        return answer == "y" || answer == "yes"
    }

    func write(_ bytes: [UInt8], to descriptor: Int32) throws {
        var sink = OutputSink(fileDescriptor: descriptor)
        sink.withBytes { $0.append(contentsOf: bytes) }
        try sink.flush()
    }
}
