import SockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Formats a `BindCheckResult` as `sockdiag bind-check` prints it: one screen for a person, or one JSON object.
///
/// The sentences are the result's own (`BindCheckResult/verdictSentence`, `BindCause/title`,
/// `BindRemedy/sentence(owner:)`, `BindCaveat/sentence`); this adds the sockets, their owners and users.
public enum BindReportFormatter {
    /// The sockets listed under each cause in the text form (the JSON form lists all).
    static let maximumSocketsShown = 10

    /// Appends the text form: the verdict, the test binds, the causes with their sockets (at most 10 each), the
    /// remedies, the notes and the command that lists the evidence.
    /// - Parameters:
    ///   - result: The check.
    ///   - owners: The owners of the causes' sockets by inode (`SocketOwnerScan/owners`), empty when not scanned.
    ///   - evidenceCommand: The command to print as the evidence.
    ///   - free: What `sockdiag free` would do about the causes, to name it in the remedies; `nil` for none.
    ///   - bytes: Where to append.
    public static func writeText(
        _ result: BindCheckResult,
        owners: [UInt64: [SocketOwner]],
        evidenceCommand: String,
        free: FreeAdvice? = nil,
        to bytes: inout [UInt8]
    ) {
        var text = "bind-check \(result.target)\n"
        text += "verdict:  \(result.verdictSentence)\n"
        text += "proof:    \(result.proofSentence) (test sockets closed at once)\n"
        if let inference = result.inferenceSentence { text += "          \(inference)\n" }
        if result.causes.isEmpty {
            text += "causes:   no socket of this protocol holds the port\n"
        } else {
            text += "causes:\n"
            var formatter = TableFormatter(families: [.inet, .inet6])
            for cause in result.causes {
                text += "  \(cause.title)\n"
                for socket in cause.sockets.prefix(maximumSocketsShown) {
                    text += "    " + socketLine(socket, owners: owners, formatter: &formatter) + "\n"
                }
                if cause.sockets.count > maximumSocketsShown {
                    text += "    … and \(cause.sockets.count - maximumSocketsShown) more\n"
                }
            }
        }
        let remedies = result.remedies(owner: { ownerDescription($0, owners) }, free: free)
        if !remedies.isEmpty {
            text += "remedies:\n"
            for remedy in remedies { text += "  - \(remedy)\n" }
        }
        if let ports = result.suggestionSentence { text += "ports:    \(ports)\n" }
        for note in result.notes { text += "note:     \(note)\n" }
        text += "evidence: \(evidenceCommand)\n"
        bytes.append(contentsOf: text.utf8)
    }

    /// The socket's table row with single spaces, then its owner, user, inode and TIME_WAIT expiry in brackets.
    static func socketLine(
        _ socket: Socket,
        owners: [UInt64: [SocketOwner]],
        formatter: inout TableFormatter
    ) -> String {
        var row: [UInt8] = []
        formatter.write(socket, to: &row)
        let line = String(decoding: row.dropLast(), as: UTF8.self).split(separator: " ").joined(separator: " ")
        var extra: [String] = []
        if socket.inode != 0 {
            let process = ownerDescription(socket.inode, owners).map { "\($0), " } ?? ""
            extra.append("owner \(process)\(userName(socket.uid)), inode \(socket.inode)")
        }
        if socket.timer.kind == .timeWait {
            extra.append("expires in \((socket.timer.expiresMilliseconds + 999) / 1000) s")
        }
        return line + (extra.isEmpty ? "" : "  [\(extra.joined(separator: "; "))]")
    }

    /// Appends the JSON form, one object and a newline: `target`, `verdict`, `summary`, `bindable`,
    /// `bindable_with_reuseaddr`, `bindable_with_reuseport`, `proof` (`plain`, `reuseaddr`, `reuseport`, `inferred`:
    /// the binds derived from the dump, `inference`: what that means or null), `causes` (each socket as
    /// ``JSONFormatter`` writes it with its owners, plus `user`: null for a socket no file holds, as TIME_WAIT),
    /// `remedies`, `suggestions` (`port`, `in_ephemeral_range`), `notes`, `evidence_command`.
    /// - Parameters:
    ///   - result: The check.
    ///   - owners: The owners of the causes' sockets by inode (`SocketOwnerScan/owners`), empty when not scanned.
    ///   - evidenceCommand: The command to print as the evidence.
    ///   - free: What `sockdiag free` would do about the causes, to name it in the remedies; `nil` for none.
    ///   - bytes: Where to append.
    public static func writeJSON(
        _ result: BindCheckResult,
        owners: [UInt64: [SocketOwner]],
        evidenceCommand: String,
        free: FreeAdvice? = nil,
        to bytes: inout [UInt8]
    ) {
        var text = "{\"target\":{\"protocol\":\"\(result.target.transport)\",\"address\":\"\(result.target.address)\","
        text += "\"port\":\(result.target.port)},"
        text += "\"verdict\":\"\(result.verdict.rawValue)\",\"summary\":\(jsonString(result.verdictSentence)),"
        text += "\"bindable\":\(result.proof.plain.succeeded),"
        text += "\"bindable_with_reuseaddr\":\(result.proof.reuseAddress.succeeded),"
        text += "\"bindable_with_reuseport\":\(result.proof.reusePort.succeeded),"
        text += "\"proof\":{\"plain\":\"\(result.proof.plain)\",\"reuseaddr\":\"\(result.proof.reuseAddress)\","
        text += "\"reuseport\":\"\(result.proof.reusePort)\",\"inferred\":["
        text += BindOption.allCases.filter { result.proof.inferred.contains($0) }.map { "\"\($0.rawValue)\"" }
            .joined(separator: ",")
        text += "],\"inference\":\(result.inferenceSentence.map(jsonString) ?? "null")},\"causes\":["
        text += result.causes.map { causeObject($0, owners: owners) }.joined(separator: ",")
        let remedies = result.remedies(owner: { ownerDescription($0, owners) }, free: free)
        text += "],\"remedies\":[" + remedies.map(jsonString).joined(separator: ",") + "],"
        text += "\"suggestions\":[" + result.suggestions.map {
            "{\"port\":\($0.port),\"in_ephemeral_range\":\($0.inEphemeralRange)}"
        }.joined(separator: ",") + "],"
        text += "\"notes\":[" + result.notes.map(jsonString).joined(separator: ",") + "],"
        text += "\"evidence_command\":\(jsonString(evidenceCommand))}\n"
        bytes.append(contentsOf: text.utf8)
    }

    /// One cause as a JSON object: `kind`, `description`, `expires_ms` (TIME_WAIT and orphaned FIN-WAIT-2 only),
    /// `sockets`.
    static func causeObject(_ cause: BindCause, owners: [UInt64: [SocketOwner]]) -> String {
        var object = "{\"kind\":\"\(cause.kind.rawValue)\",\"description\":\(jsonString(cause.title)),"
        if let expiry = cause.expiresInMilliseconds { object += "\"expires_ms\":\(expiry)," }
        object += "\"sockets\":["
        object += cause.sockets.map { socket in
            var formatter = JSONFormatter()
            var element: [UInt8] = []
            formatter.write(socket, owners: owners[socket.inode] ?? [], to: &element)
            var text = String(decoding: element, as: UTF8.self)
            text.removeFirst()  // the formatter's leading newline
            let user = socket.inode == 0 ? "null" : jsonString(userName(socket.uid))
            return text.dropLast() + ",\"user\":\(user)}"
        }.joined(separator: ",")
        return object + "]}"
    }

    /// `text` as a JSON string, quoted and escaped.
    static func jsonString(_ text: String) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "\"")]
        bytes.appendJSONEscaped(text.utf8)
        bytes.append(UInt8(ascii: "\""))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `www-data (uid 33)`, or `uid 33` when the user has no name.
    static func userName(_ uid: UInt32) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return "\(String(cString: name)) (uid \(uid))"
    }

    /// `nginx (pid 1234)`, or nil when no owner was found.
    static func ownerDescription(_ inode: UInt64, _ owners: [UInt64: [SocketOwner]]) -> String? {
        guard let list = owners[inode], !list.isEmpty else { return nil }
        var seen: [String] = []
        for owner in list {
            let text = "\(owner.command) (pid \(owner.pid))"
            if !seen.contains(text) { seen.append(text) }
        }
        return seen.joined(separator: ", ")
    }
}
