import SockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The bind-check report: one screen for a person, or one JSON object.
public enum BindReportFormatter {
    static let maximumSocketsShown = 10

    static func verdictSentence(_ result: BindCheckResult) -> String {
        let timeWait = result.causes.first { $0.kind == .timeWait }?.expiresInMilliseconds
        switch result.verdict {
        case .free: return "free: a plain bind() works"
        case .freeWithReuseAddress:
            let frees = timeWait.map { ", and frees by itself in \(($0 + 999) / 1000) s" } ?? ""
            return "in use for a plain bind() (EADDRINUSE), free with SO_REUSEADDR\(frees)"
        case .freeWithReusePort: return "in use (EADDRINUSE), free only with SO_REUSEPORT (a group of your user holds it)"
        case .inUse: return "in use: bind() fails with EADDRINUSE, with SO_REUSEADDR and with SO_REUSEPORT too"
        case .needsPrivilege:
            return "needs privilege: port \(result.target.port) is below \(result.unprivilegedPortStart) (EACCES), not in use"
        case .addressNotAvailable: return "address not available here (EADDRNOTAVAIL)"
        case .error: return "the test bind failed: \(result.proof.plain)"
        }
    }

    static func causeTitle(_ cause: BindCause) -> String {
        let count = cause.sockets.count
        switch cause.kind {
        case .listener: return "a listener on the port (\(count))"
        case .dualStackListener: return "a dual-stack listener: the IPv6 wildcard without IPV6_V6ONLY also holds IPv4 (\(count))"
        case .reusePortGroup: return "a SO_REUSEPORT group of another user (\(count) listeners)"
        case .boundInactive: return "bound but not listening: invisible to netstat and ss 6.1 (\(count))"
        case .timeWait:
            let seconds = ((cause.expiresInMilliseconds ?? 0) + 999) / 1000
            return "TIME_WAIT sockets left by connections closed here first (\(count); the last expires in \(seconds) s)"
        case .connection: return "connections using the port as their local port (\(count))"
        case .ephemeralPort: return "outgoing connections that got the port as their ephemeral port (\(count))"
        case .udpSocket: return "UDP sockets bound to the port (\(count))"
        }
    }

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

    public static func writeText(
        _ result: BindCheckResult,
        owners: [UInt64: [SocketOwner]],
        evidenceCommand: String,
        to bytes: inout [UInt8]
    ) {
        var text = "bind-check \(result.target)\n"
        text += "verdict:  \(verdictSentence(result))\n"
        text += "proof:    bind() \(result.proof.plain); with SO_REUSEADDR \(result.proof.reuseAddress); "
        text += "with SO_REUSEPORT \(result.proof.reusePort) (test sockets closed at once)\n"
        if result.causes.isEmpty {
            text += "causes:   no socket of this protocol holds the port\n"
        } else {
            text += "causes:\n"
            var formatter = TableFormatter(families: [.inet, .inet6])
            for cause in result.causes {
                text += "  \(causeTitle(cause))\n"
                for socket in cause.sockets.prefix(maximumSocketsShown) {
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
                    text += "    \(line)" + (extra.isEmpty ? "" : "  [\(extra.joined(separator: "; "))]") + "\n"
                }
                if cause.sockets.count > maximumSocketsShown {
                    text += "    … and \(cause.sockets.count - maximumSocketsShown) more\n"
                }
            }
        }
        let remedies = result.remedies { ownerDescription($0, owners) }
        if !remedies.isEmpty {
            text += "remedies:\n"
            for remedy in remedies { text += "  - \(remedy)\n" }
        }
        for note in result.notes { text += "note:     \(note)\n" }
        text += "evidence: \(evidenceCommand)\n"
        bytes.append(contentsOf: text.utf8)
    }

    static func jsonString(_ text: String) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "\"")]
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            case 0..<0x20:
                bytes.append(contentsOf: Array("\\u00".utf8))
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func writeJSON(
        _ result: BindCheckResult,
        owners: [UInt64: [SocketOwner]],
        evidenceCommand: String,
        to bytes: inout [UInt8]
    ) {
        var text = "{\"target\":{\"protocol\":\"\(result.target.transport)\",\"address\":\"\(result.target.address)\","
        text += "\"port\":\(result.target.port)},"
        text += "\"verdict\":\"\(result.verdict.rawValue)\",\"summary\":\(jsonString(verdictSentence(result))),"
        text += "\"bindable\":\(result.proof.plain.succeeded),"
        text += "\"bindable_with_reuseaddr\":\(result.proof.reuseAddress.succeeded),"
        text += "\"bindable_with_reuseport\":\(result.proof.reusePort.succeeded),"
        text += "\"proof\":{\"plain\":\"\(result.proof.plain)\",\"reuseaddr\":\"\(result.proof.reuseAddress)\","
        text += "\"reuseport\":\"\(result.proof.reusePort)\"},\"causes\":["
        text += result.causes.map { cause in
            var object = "{\"kind\":\"\(cause.kind.rawValue)\",\"description\":\(jsonString(causeTitle(cause))),"
            if let expiry = cause.expiresInMilliseconds { object += "\"expires_ms\":\(expiry)," }
            object += "\"sockets\":["
            object += cause.sockets.map { socket in
                var formatter = JSONFormatter()
                var element: [UInt8] = []
                formatter.write(socket, owners: owners[socket.inode] ?? [], to: &element)
                var text = String(decoding: element, as: UTF8.self)
                text.removeFirst()  // the formatter's leading newline
                return text.dropLast() + ",\"user\":\(jsonString(userName(socket.uid)))}"
            }.joined(separator: ",")
            return object + "]}"
        }.joined(separator: ",")
        text += "],\"remedies\":[" + result.remedies { ownerDescription($0, owners) }.map(jsonString).joined(separator: ",") + "],"
        text += "\"notes\":[" + result.notes.map(jsonString).joined(separator: ",") + "],"
        text += "\"evidence_command\":\(jsonString(evidenceCommand))}\n"
        bytes.append(contentsOf: text.utf8)
    }
}
