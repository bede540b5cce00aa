import SockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Formats `sockdiag free`: the plan (shown before anything is done), what was done and the proof, as text for a
/// person or as one JSON object. Text and JSON carry the same facts.
public enum FreeReportFormatter {
    /// Appends the plan as text: the sockets to close, the processes to signal, the processes left alone with the
    /// reason and what to do instead.
    public static func writePlanText(_ plan: FreePlan, to bytes: inout [UInt8]) {
        var text = "free \(plan.target)\n"
        if plan.alreadyBindable {
            text += "plan:     nothing to do: the bind already works as asked\n"
            bytes.append(contentsOf: text.utf8)
            return
        }
        if plan.isEmpty && plan.refusals.isEmpty {
            text += "plan:     nothing to do: no socket on the port that sockdiag can see\n"
        }
        var formatter = TableFormatter(families: [.inet, .inet6])
        if !plan.destroy.isEmpty {
            text += "close with SOCK_DESTROY (\(plan.destroy.count) socket\(plural(plan.destroy.count)) no process "
                + "holds):\n"
            text += socketLines(plan.destroy, formatter: &formatter)
        }
        if !plan.signal.isEmpty {
            text += "send SIGTERM to (\(plan.signal.count) process\(plural(plan.signal.count, "es"))):\n"
            for entry in plan.signal {
                text += "  \(processLabel(entry.process)): \(socketCount(entry.sockets))\n"
                text += socketLines(entry.sockets, formatter: &formatter)
            }
        }
        if !plan.refusals.isEmpty {
            text += "leave alone:\n"
            for refusal in plan.refusals {
                let who = refusal.process.map(processLabel) ?? "a socket (\(socketCount(refusal.sockets)))"
                text += "  \(who): \(refusal.reason.sentence)\n"
                text += socketLines(refusal.sockets, formatter: &formatter)
                text += "    instead: \(refusal.reason.instead(for: plan.target))\n"
            }
        }
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends what was done, the proof (bind-check's report) and the result line.
    /// - Parameters:
    ///   - outcome: What `free` did.
    ///   - evidenceCommand: The command that lists the sockets on the port.
    ///   - free: What `free` would do about what is left (its plan for the proof's sockets), so that the proof's
    ///     remedies name it as bind-check's do: root's command where the caller lacks the privilege, never the
    ///     command that was just refused.
    public static func writeOutcomeText(
        _ outcome: FreeOutcome,
        evidenceCommand: String,
        free: FreeAdvice? = nil,
        to bytes: inout [UInt8]
    ) {
        var text = ""
        if !outcome.destroyed.isEmpty || !outcome.signals.isEmpty {
            text += "done:\n"
            let closed = outcome.destroyed.filter(\.closed).count
            if !outcome.destroyed.isEmpty {
                text += "  closed \(closed) of \(outcome.destroyed.count) socket\(plural(outcome.destroyed.count))"
                let errors = Set(outcome.destroyed.filter { !$0.closed }.map { "\($0.outcome)" }).sorted()
                text += errors.isEmpty ? "\n" : " (\(errors.joined(separator: ", ")))\n"
            }
            for signal in outcome.signals {
                text += "  \(signalName(signal.signal)) \(processLabel(signal.process)): \(resultText(signal.result))\n"
            }
            text += "  waited \(outcome.waitedMilliseconds) ms"
            text += outcome.timedOut ? " (timed out with sockets of signalled processes still open)\n" : "\n"
        }
        bytes.append(contentsOf: text.utf8)
        bytes.append(contentsOf: "proof, by fresh test binds:\n".utf8)
        BindReportFormatter.writeText(
            outcome.proof,
            owners: outcome.remainingOwners,
            evidenceCommand: evidenceCommand,
            free: free,
            to: &bytes
        )
        bytes.append(contentsOf: ("result:   " + resultSentence(outcome) + "\n").utf8)
    }

    /// The sockets' table rows, indented, at most ``BindReportFormatter/maximumSocketsShown``.
    static func socketLines(_ sockets: [Socket], formatter: inout TableFormatter) -> String {
        var text = ""
        for socket in sockets.prefix(BindReportFormatter.maximumSocketsShown) {
            text += "    " + BindReportFormatter.socketLine(socket, owners: [:], formatter: &formatter) + "\n"
        }
        if sockets.count > BindReportFormatter.maximumSocketsShown {
            text += "    … and \(sockets.count - BindReportFormatter.maximumSocketsShown) more\n"
        }
        return text
    }

    /// `freed: …` or `not freed: … still held by …`, and when processes outlived SIGTERM and no SIGKILL was sent,
    /// what to do next (`--force`).
    public static func resultSentence(_ outcome: FreeOutcome) -> String {
        if outcome.freed { return "freed: the bind works as asked" }
        let holders = stillHeldBy(outcome)
        var sentence = "not freed: the bind still fails"
            + (holders.isEmpty ? "" : "; still held by \(holders.joined(separator: ", "))")
        let terminated = outcome.signals.contains { $0.signal == SIGTERM && $0.result == .sent }
        if outcome.timedOut && terminated && !outcome.signals.contains(where: { $0.signal == SIGKILL }) {
            let seconds = (outcome.waitedMilliseconds + 500) / 1000
            sentence += "; SIGTERM did not end them within \(seconds) s: run free again with --force (SIGKILL at "
                + "the timeout) or a longer --timeout"
        }
        return sentence
    }

    /// The owners of the sockets that still hold the port, else their states.
    static func stillHeldBy(_ outcome: FreeOutcome) -> [String] {
        var names: [String] = []
        for socket in outcome.proof.causes.flatMap(\.sockets) {
            let name =
                BindReportFormatter.ownerDescription(socket.inode, outcome.remainingOwners)
                ?? (socket.inode == 0
                    ? "a \(socket.state.columnName) socket without a process"
                    : "a \(socket.state.columnName) socket of \(BindReportFormatter.userName(socket.uid)) whose "
                        + "process was not found")
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// `python3 (pid 101, root (uid 0))`.
    static func processLabel(_ process: ProcessFacts) -> String {
        "\(process.command) (pid \(process.pid), \(BindReportFormatter.userName(process.realUID)))"
    }

    /// `1 socket on the port` …
    static func socketCount(_ sockets: [Socket]) -> String {
        "\(sockets.count) socket\(plural(sockets.count)) on the port"
    }

    static func plural(_ count: Int, _ suffix: String = "s") -> String { count == 1 ? "" : suffix }

    /// `SIGTERM`, `SIGKILL`, else `signal N`.
    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGTERM: return "SIGTERM"
        case SIGKILL: return "SIGKILL"
        default: return "signal \(signal)"
        }
    }

    /// `sent`, `gone`, `replaced`, or the error.
    static func resultText(_ result: FreeOutcome.SignalResult) -> String {
        switch result {
        case .sent: return "sent"
        case .gone: return "gone (it had exited)"
        case .replaced: return "not sent: the pid now names another process"
        case .failed(let error): return "failed (\(error))"
        }
    }

    /// `sent`, `gone`, `replaced`, `failed`, for JSON.
    static func resultName(_ result: FreeOutcome.SignalResult) -> String {
        switch result {
        case .sent: return "sent"
        case .gone: return "gone"
        case .replaced: return "replaced"
        case .failed: return "failed"
        }
    }
}
