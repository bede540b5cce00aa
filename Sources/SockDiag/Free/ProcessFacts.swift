#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What `/proc` says about one process: who it is (pid and start time, which together survive pid reuse), whose it
/// is, its parent, its command line and its cgroups. What ``FreePlan`` decides on.
public struct ProcessFacts: Hashable, Sendable {
    /// The process id.
    public var pid: Int32
    /// The parent's process id (`PPid:`).
    public var parentPID: Int32
    /// `/proc/PID/comm`: the command name, at most 15 bytes.
    public var command: String
    /// When the process started, in clock ticks after boot (field 22 of `/proc/PID/stat`): a pid that names another
    /// process later has another start time.
    public var startTime: UInt64
    /// The real user id (`Uid:`, first field).
    public var realUID: UInt32
    /// The effective user id (`Uid:`, second field).
    public var effectiveUID: UInt32
    /// The saved set-user-id (`Uid:`, third field).
    public var savedUID: UInt32
    /// The command line, one element per argument (`/proc/PID/cmdline`, at most 4 KiB read).
    public var arguments: [String]
    /// The cgroup paths of `/proc/PID/cgroup`, one per hierarchy (the unified one's first).
    public var cgroups: [String]

    /// Creates process facts.
    public init(
        pid: Int32,
        parentPID: Int32 = 0,
        command: String,
        startTime: UInt64 = 0,
        realUID: UInt32 = 0,
        effectiveUID: UInt32? = nil,
        savedUID: UInt32? = nil,
        arguments: [String] = [],
        cgroups: [String] = []
    ) {
        self.pid = pid
        self.parentPID = parentPID
        self.command = command
        self.startTime = startTime
        self.realUID = realUID
        self.effectiveUID = effectiveUID ?? realUID
        self.savedUID = savedUID ?? realUID
        self.arguments = arguments
        self.cgroups = cgroups
    }

    /// Reads the facts of process `pid` under `procRoot`; `nil` when it has exited (or cannot be read).
    ///
    /// The corresponding C functions are `open(2)` and `read(2)` of `/proc/PID/stat`, `status`, `cmdline`, `cgroup`.
    public static func read(pid: Int32, procRoot: String = "/proc") -> ProcessFacts? {
        let directory = "\(procRoot)/\(pid)"
        guard let stat = readSmallFile(directory + "/stat"), let status = readSmallFile(directory + "/status"),
            let (parent, start) = parseStat(stat), let uids = parseUIDs(status)
        else { return nil }
        let command = readSmallFile(directory + "/comm").map { String($0.prefix { $0 != "\n" }) } ?? ""
        let arguments = (readSmallFile(directory + "/cmdline") ?? "").split(separator: "\0").map(String.init)
        return ProcessFacts(
            pid: pid,
            parentPID: parent,
            command: command,
            startTime: start,
            realUID: uids.0,
            effectiveUID: uids.1,
            savedUID: uids.2,
            arguments: arguments,
            cgroups: parseCgroups(readSmallFile(directory + "/cgroup") ?? "")
        )
    }

    /// The start time of process `pid` now, or `nil` when it has exited: to tell whether a pid still names the
    /// process that was planned.
    public static func startTime(pid: Int32, procRoot: String = "/proc") -> UInt64? {
        readSmallFile("\(procRoot)/\(pid)/stat").flatMap(parseStat)?.1
    }

    /// The parent pid (field 4) and start time (field 22) of a `/proc/PID/stat` line; the command name before them
    /// is in parentheses and may hold spaces and parentheses, so the fields start after the last `)`.
    static func parseStat(_ line: String) -> (Int32, UInt64)? {
        guard let close = line.lastIndex(of: ")") else { return nil }
        let fields = line[line.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state).
        guard fields.count > 19, let parent = Int32(fields[1]), let start = UInt64(fields[19]) else { return nil }
        return (parent, start)
    }

    /// The real, effective and saved user ids of `/proc/PID/status`'s `Uid:` line.
    static func parseUIDs(_ status: String) -> (UInt32, UInt32, UInt32)? {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Uid:") }) else { return nil }
        let ids = line.dropFirst(4).split(whereSeparator: { $0 == "\t" || $0 == " " }).compactMap { UInt32($0) }
        guard ids.count >= 3 else { return nil }
        return (ids[0], ids[1], ids[2])
    }

    /// The paths of `/proc/PID/cgroup` (`ID:CONTROLLERS:PATH` lines), the unified hierarchy's (`0::`) first.
    static func parseCgroups(_ text: String) -> [String] {
        var unified: [String] = []
        var others: [String] = []
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            if parts[0] == "0" && parts[1].isEmpty {
                unified.append(String(parts[2]))
            } else if !others.contains(String(parts[2])) {
                others.append(String(parts[2]))
            }
        }
        return unified + others
    }
}
