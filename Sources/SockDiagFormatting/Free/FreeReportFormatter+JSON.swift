import SockDiag

extension FreeReportFormatter {
    /// Appends one JSON object and a newline: `target`, `dry_run`, `plan` (`already_bindable`, `destroy`,
    /// `signal`, `leave_alone`), `done` (`destroyed`, `signals`, `waited_ms`, `timed_out`), `proof` (bind-check's
    /// object), `freed`, `still_held_by`, `summary` (the text's `result:` line). On a dry run `done`, `proof` and
    /// `summary` are `null` and `freed` says whether the bind already works.
    /// - Parameters:
    ///   - plan: The plan.
    ///   - outcome: What was done and the proof, or `nil` (a dry run).
    ///   - dryRun: Whether this was a dry run.
    ///   - evidenceCommand: The command that lists the sockets on the port.
    ///   - free: What `free` would do about what is left, named by the proof's remedies (see
    ///     ``writeOutcomeText(_:evidenceCommand:free:to:)``).
    public static func writeJSON(
        plan: FreePlan,
        outcome: FreeOutcome?,
        dryRun: Bool,
        evidenceCommand: String,
        free: FreeAdvice? = nil,
        to bytes: inout [UInt8]
    ) {
        let target = plan.target
        var text = "{\"target\":{\"protocol\":\"\(target.transport)\",\"address\":\"\(target.address)\","
        text += "\"port\":\(target.port)},\"dry_run\":\(dryRun),\"plan\":{"
        text += "\"already_bindable\":\(plan.alreadyBindable),\"destroy\":["
        text += plan.destroy.map { socketObject($0, owners: [:]) }.joined(separator: ",")
        text += "],\"signal\":["
        text += plan.signal.map { entry in
            processObject(entry.process, extra: "\"sockets\":" + inodes(entry.sockets))
        }.joined(separator: ",")
        text += "],\"leave_alone\":["
        text += plan.refusals.map { refusal in
            let reason = refusal.reason
            var fields = "\"reason\":\"\(reason.name)\",\"why\":\(json(reason.sentence)),"
            fields += "\"instead\":\(json(reason.instead(for: target))),\"sockets\":" + inodes(refusal.sockets)
            return refusal.process.map { processObject($0, extra: fields) } ?? "{\"pid\":null,\(fields)}"
        }.joined(separator: ",")
        text += "]},\"done\":"
        guard let outcome else {
            text += "null,\"proof\":null,\"freed\":\(plan.alreadyBindable),\"still_held_by\":[],"
            text += "\"summary\":null}\n"
            bytes.append(contentsOf: text.utf8)
            return
        }
        text += doneObject(outcome) + ",\"proof\":"
        bytes.append(contentsOf: text.utf8)
        var proof: [UInt8] = []
        BindReportFormatter.writeJSON(
            outcome.proof,
            owners: outcome.remainingOwners,
            evidenceCommand: evidenceCommand,
            free: free,
            to: &proof
        )
        bytes.append(contentsOf: proof.dropLast())  // its newline
        text = ",\"freed\":\(outcome.freed),\"still_held_by\":["
        text += (outcome.freed ? [] : stillHeldBy(outcome)).map(json).joined(separator: ",") + "],"
        text += "\"summary\":\(json(resultSentence(outcome)))}\n"
        bytes.append(contentsOf: text.utf8)
    }

    /// `destroyed`, `signals`, `waited_ms`, `timed_out`.
    static func doneObject(_ outcome: FreeOutcome) -> String {
        var text = "{\"destroyed\":["
        text += outcome.destroyed.map { record in
            var text = "{\"socket\":\(socketObject(record.socket, owners: [:])),\"outcome\":\"\(record.outcome)\""
            if case .failed(let error) = record.outcome { text += ",\"error\":\(json("\(error)"))" }
            return text + "}"
        }.joined(separator: ",")
        text += "],\"signals\":["
        text += outcome.signals.map { signal in
            var extra = "\"signal\":\"\(signalName(signal.signal))\",\"result\":\"\(resultName(signal.result))\""
            if case .failed(let error) = signal.result { extra += ",\"error\":\(json("\(error)"))" }
            return processObject(signal.process, extra: extra)
        }.joined(separator: ",")
        text += "],\"waited_ms\":\(outcome.waitedMilliseconds),\"timed_out\":\(outcome.timedOut)}"
        return text
    }

    /// `{"pid":…,"command":…,"uid":…,"user":…,"start_time":…, EXTRA}`.
    static func processObject(_ process: ProcessFacts, extra: String) -> String {
        "{\"pid\":\(process.pid),\"command\":\(json(process.command)),\"uid\":\(process.realUID),"
            + "\"user\":\(json(BindReportFormatter.userName(process.realUID))),"
            + "\"start_time\":\(process.startTime),\(extra)}"
    }

    /// A socket as the listing's JSON writes it.
    static func socketObject(_ socket: Socket, owners: [UInt64: [SocketOwner]]) -> String {
        var formatter = JSONFormatter()
        var element: [UInt8] = []
        formatter.write(socket, owners: owners[socket.inode] ?? [], to: &element)
        var text = String(decoding: element, as: UTF8.self)
        text.removeFirst()  // the formatter's leading newline
        return text
    }

    /// The sockets' inodes as a JSON array.
    static func inodes(_ sockets: [Socket]) -> String {
        "[" + sockets.map { "\($0.inode)" }.joined(separator: ",") + "]"
    }

    static func json(_ text: String) -> String { BindReportFormatter.jsonString(text) }
}
