// An agent built on the SockDiag library: every interval, TIME_WAIT sockets per local port (the busiest K ports
// and the rest), in constant memory: one inspector and one aggregator serve every sample.
//
//     timewait-agent [--interval SECONDS] [--top K] [--count N]
//
// Output, one line per sample (time in UTC):
//     2026-11-23T10:58:01Z time-wait=16 8000=5 443=3 80=3 other=5/3
// `other=S/P`: S sockets on P ports outside the top K.

import SockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

struct Options {
    var interval: Duration = .seconds(1)
    var top = 10
    var count: Int?

    init(_ arguments: ArraySlice<String>) throws(UsageError) {
        var arguments = arguments
        while let option = arguments.popFirst() {
            guard let value = arguments.popFirst() else { throw UsageError("\(option) needs a value") }
            switch option {
            case "--interval":
                guard let seconds = Double(value), seconds > 0, seconds <= 86_400 else {
                    throw UsageError("--interval takes seconds between 0 and 86400, not '\(value)'")
                }
                interval = .milliseconds(Int64((seconds * 1000).rounded(.up)))
            case "--top":
                guard let k = Int(value), (0...1000).contains(k) else {
                    throw UsageError("--top takes 0…1000, not '\(value)'")
                }
                top = k
            case "--count":
                guard let n = Int(value), n > 0 else {
                    throw UsageError("--count takes a positive number, not '\(value)'")
                }
                count = n
            default:
                throw UsageError("unknown option '\(option)' (options: --interval SECONDS, --top K, --count N)")
            }
        }
    }
}

struct UsageError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// `2026-11-23T10:58:01Z` into `line`, without Foundation.
func appendTimestamp(to line: inout String) {
    var now = time(nil)
    var parts = tm()
    gmtime_r(&now, &parts)
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    line += "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
    line += "T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
}

/// Writes `text` and a newline to `fd` in one write (stdout unbuffered: a line per sample reaches a pipe at once).
func writeLine(_ text: String, to fd: Int32) {
    var line = text
    line += "\n"
    line.withUTF8 { bytes in _ = write(fd, bytes.baseAddress, bytes.count) }
}

func report(_ ranking: PortRanking) -> String {
    var line = ""
    line.reserveCapacity(256)
    appendTimestamp(to: &line)
    line += " time-wait=\(ranking.total)"
    for entry in ranking.top { line += " \(entry.port)=\(entry.count)" }
    if ranking.otherPorts > 0 { line += " other=\(ranking.otherCount)/\(ranking.otherPorts)" }
    return line
}

let options: Options
do {
    options = try Options(CommandLine.arguments.dropFirst())
} catch {
    writeLine("timewait-agent: \(error.message)", to: STDERR_FILENO)
    exit(2)
}

do {
    let inspector = try SocketInspector()
    // Only TCP TIME_WAIT: the kernel filters by state, so each sample reads only those replies.
    let query = SocketQuery(protocols: [.tcp], states: .timeWait)
    var taken = 0
    for try await sample in inspector.aggregates(every: options.interval, matching: query, topPorts: options.top) {
        writeLine(report(sample.timeWaitPorts), to: STDOUT_FILENO)
        taken += 1
        if let count = options.count, taken >= count { break }
    }
} catch {
    writeLine("timewait-agent: \(error)", to: STDERR_FILENO)
    exit(1)
}
