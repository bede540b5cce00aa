import ArgumentParser
import SockDiag
import SockDiagFormatting

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `sockdiag bind-check [ADDRESS:]PORT`: why bind() fails with EADDRINUSE, proven by test binds, explained by the
/// socket table, with what to do.
struct BindCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bind-check",
        abstract: "Say whether bind() to ADDRESS:PORT works, why not, and what to do.",
        discussion: """
            Evidence: one netlink dump of every socket on the port (listeners, bound-but-inactive sockets, TIME_WAIT, \
            connections; both families). Proof: a fresh socket is bound to the address and port plainly, with \
            SO_REUSEADDR and with SO_REUSEPORT, and closed at once (never listens, never connects); next to other \
            sockets only the binds that cannot change the port's kernel state are made, the others are inferred \
            from the evidence and marked so. When the port is busy, the nearest free ports (--suggest).
            Exit status: 0 when the bind works as asked (plain, or with --reuseaddr/--reuseport), 1 when it does not, \
            2 on bad input.

            Examples:
              sockdiag bind-check 8000
              sockdiag bind-check 127.0.0.1:8000 --json
              sockdiag bind-check [::]:443 --wait 90
              sockdiag bind-check --udp 5353 -N mycontainer
            """
    )

    @OptionGroup var bind: BindTargetOptions

    @Flag(name: .long, help: "Print the result as one JSON object.")
    var json = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "When the port is busy, name this many free ports nearby, outside ip_local_port_range first (0: none).",
            valueName: "n"
        )
    )
    var suggest = 3

    @Option(
        name: .customLong("wait-seconds"),
        help: ArgumentHelp(
            "Written --wait [SECONDS]: block until the bind works (polling), at most SECONDS.",
            valueName: "seconds"
        )
    )
    var waitSeconds: Double?

    mutating func validate() throws {
        if !(0...100).contains(suggest) {
            throw ValidationError("--suggest takes a number from 0 to 100")
        }
        if let waitSeconds, !(waitSeconds > 0) {
            throw ValidationError("--wait takes a number of seconds above 0")
        }
    }

    /// Rewrites `--wait [SECONDS]` (an option with an optional value, which ArgumentParser lacks) to
    /// `--wait-seconds=SECONDS` (a day when no number follows), and moves a negative number given as the port
    /// (`bind-check -1`) behind `--`, where ArgumentParser takes it for the argument it is (and validation
    /// refuses it) instead of an unknown option.
    static func normalize(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var negativeTargets: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                return result + ["--"] + negativeTargets + arguments[(index + 1)...]
            }
            if ProcessArguments.isNegativeNumber(argument), result.last != "-N", result.last != "--net" {
                negativeTargets.append(argument)
            } else if argument == "--wait" {
                if index + 1 < arguments.count, Double(arguments[index + 1]) != nil {
                    result.append("--wait-seconds=\(arguments[index + 1])")
                    index += 2
                    continue
                }
                result.append("--wait-seconds=86400")
            } else if argument.hasPrefix("--wait=") {
                result.append("--wait-seconds=" + argument.dropFirst("--wait=".count))
            } else {
                result.append(argument)
            }
            index += 1
        }
        return negativeTargets.isEmpty ? result : result + ["--"] + negativeTargets
    }

    /// Runs the check; exits 0 (bindable as asked), 1 (not), 2 (bad input: a namespace that is not there).
    func run() throws {
        let bindable: Bool
        do {
            bindable = try check()
        } catch let error as SockDiagError where error.code == .namespaceNotFound {
            throw UsageError(error.message)
        }
        if !bindable { throw ExitCode.failure }
    }

    /// Runs the check (and the wait); returns whether the bind works as asked.
    func check() throws -> Bool {
        if let namespace = bind.namespace { try NetworkNamespace.enter(named: namespace) }
        let target = try bind.bindTarget()
        let inspector = try SocketInspector()
        var result = try inspector.checkBind(to: target, suggesting: waitSeconds == nil ? suggest : 0)
        if let waitSeconds, !bind.bindable(result) {
            result = try wait(for: target, seconds: waitSeconds, inspector: inspector, initial: result)
        }
        if waitSeconds != nil && suggest > 0 && !result.proof.plain.succeeded {
            result = try inspector.checkBind(to: target, suggesting: suggest)
        }
        // Owners of the sockets named as causes: one scan of /proc for just those inodes.
        let inodes = Set(result.causes.flatMap { $0.sockets.map(\.inode) }.filter { $0 != 0 })
        let scan = inodes.isEmpty ? SocketOwnerScan() : try SocketOwnerScanner().owners(of: inodes)
        // The BPF iterator counts no processes: only an empty /proc walk means that /proc is missing.
        let walked = scan.report.processesScanned + scan.report.processesUnreadable
        if !inodes.isEmpty && scan.report.source == .proc && walked == 0 {
            StandardError.note("owner information is missing: no process found under /proc (is /proc mounted?)")
        } else if scan.report.processesUnreadable > 0 {
            let errors = scan.report.unreadableErrors.keys.map { "\($0)" }.sorted().joined(separator: ", ")
            let reason = errors.isEmpty ? "" : " (\(errors)\(geteuid() == 0 ? "" : "; run as root"))"
            StandardError.note(
                "owner information is partial: \(scan.report.processesUnreadable) of "
                    + "\(scan.report.processesScanned + scan.report.processesUnreadable) processes could not be "
                    + "read\(reason)"
            )
        }
        // What free would do with the same evidence: the remedies that stop holders name it, or why it would not.
        let options = FreeOptions(reuseAddress: bind.reuseaddr, reusePort: bind.reuseport)
        let free = FreeAdvice(
            plan: FreePlan(deciding: FreeEvidence(check: result, scan: scan, options: options)),
            command: bind.freeCommand(target)
        )
        var bytes: [UInt8] = []
        let command = bind.evidenceCommand(port: target.port)
        if json {
            BindReportFormatter.writeJSON(result, owners: scan.owners, evidenceCommand: command, free: free, to: &bytes)
        } else {
            BindReportFormatter.writeText(result, owners: scan.owners, evidenceCommand: command, free: free, to: &bytes)
        }
        var sink = OutputSink(fileDescriptor: STDOUT_FILENO)
        sink.withBytes { $0.append(contentsOf: bytes) }
        try sink.flush()
        return bind.bindable(result)
    }

    /// Checks again every 200 ms (the same safe check: no test bind that could change the port's kernel state) until
    /// the bind works as asked or `seconds` pass; a countdown on a terminal, silence otherwise.
    func wait(for target: BindTarget, seconds: Double, inspector: SocketInspector, initial: BindCheckResult) throws
        -> BindCheckResult
    {
        let deadline = Self.now() + seconds
        let showCountdown = isatty(STDERR_FILENO) == 1
        var result = initial
        var shown = false
        while Self.now() < deadline {
            usleep(200_000)
            result = try inspector.checkBind(to: target)
            if bind.bindable(result) { break }
            if showCountdown {
                let expiry = result.causes.compactMap(\.expiresInMilliseconds).max() ?? 0
                let left = Int(deadline - Self.now())
                let seconds = (UInt64(expiry) + 999) / 1000
                let line = expiry > 0
                    ? "\rwaiting for \(target): TIME_WAIT ends in \(seconds) s (giving up in \(left) s)  "
                    : "\rwaiting for \(target) (giving up in \(left) s)  "
                line.withCString { _ = Glibc.write(STDERR_FILENO, $0, strlen($0)) }
                shown = true
            }
        }
        if shown { "\r\u{1B}[K".withCString { _ = Glibc.write(STDERR_FILENO, $0, strlen($0)) } }
        return result
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
