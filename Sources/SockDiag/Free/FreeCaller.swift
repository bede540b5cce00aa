#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Who frees the port: what decides which processes ``FreePlan`` may signal.
public struct FreeCaller: Hashable, Sendable {
    /// The caller's own process id.
    public var pid: Int32
    /// The caller's ancestors, parent first, up to PID 1: the shell that runs it and what runs the shell.
    public var ancestors: [Int32]
    /// The caller's real user id.
    public var realUID: UInt32
    /// The caller's effective user id.
    public var effectiveUID: UInt32
    /// Whether the caller may signal any process: root, or `CAP_KILL` in its effective set.
    public var canSignalAnyProcess: Bool
    /// Whether the caller may close sockets with `SOCK_DESTROY`: `CAP_NET_ADMIN` in its effective set.
    public var canDestroySockets: Bool
    /// The caller's own cgroups (as ``ProcessFacts/cgroups``): a process in the caller's own container is not
    /// "in a container" for the caller.
    public var cgroups: [String]

    /// Creates caller facts.
    public init(
        pid: Int32,
        ancestors: [Int32] = [],
        realUID: UInt32 = 0,
        effectiveUID: UInt32? = nil,
        canSignalAnyProcess: Bool? = nil,
        canDestroySockets: Bool? = nil,
        cgroups: [String] = []
    ) {
        self.pid = pid
        self.ancestors = ancestors
        self.realUID = realUID
        self.effectiveUID = effectiveUID ?? realUID
        self.canSignalAnyProcess = canSignalAnyProcess ?? (effectiveUID ?? realUID == 0)
        self.canDestroySockets = canDestroySockets ?? (effectiveUID ?? realUID == 0)
        self.cgroups = cgroups
    }

    /// The calling process: its pid, its ancestors (walking `PPid:` from `/proc/self/status` up to PID 1), its user
    /// ids, `CAP_KILL` and `CAP_NET_ADMIN` (`CapEff:`) and its cgroups.
    ///
    /// The corresponding C functions are `getpid(2)`, `getuid(2)`, `geteuid(2)` and reads of `/proc/PID/status`.
    /// - Parameter procRoot: The `/proc` of the caller's PID namespace.
    public static func current(procRoot: String = "/proc") -> FreeCaller {
        let me = getpid()
        var ancestors: [Int32] = []
        var pid = me
        // A cycle cannot happen in /proc, but a bound keeps a laid-out test directory from looping.
        while ancestors.count < 4096, let parent = parentPID(of: pid, procRoot: procRoot), parent > 0 {
            ancestors.append(parent)
            pid = parent
        }
        let status = readSmallFile("\(procRoot)/\(me)/status") ?? ""
        let cgroups = ProcessFacts.parseCgroups(readSmallFile("\(procRoot)/\(me)/cgroup") ?? "")
        return FreeCaller(
            pid: me,
            ancestors: ancestors,
            realUID: getuid(),
            effectiveUID: geteuid(),
            canSignalAnyProcess: geteuid() == 0 || hasKillCapability(status: status),
            canDestroySockets: hasCapability(12, status: status),
            cgroups: cgroups
        )
    }

    /// Whether the caller's effective user ids allow `kill(2)` of `process` without privilege: the caller's real or
    /// effective uid is the target's real or saved uid.
    public func maySignal(_ process: ProcessFacts) -> Bool {
        canSignalAnyProcess
            || [realUID, effectiveUID].contains { $0 == process.realUID || $0 == process.savedUID }
    }

    /// Whether the caller may signal a process whose real and saved uid are `uid` (the owner of a socket whose process
    /// it cannot read): root, `CAP_KILL`, or its own uid.
    public func maySignal(uid: UInt32) -> Bool {
        canSignalAnyProcess || realUID == uid || effectiveUID == uid
    }

    /// The `PPid:` of `/proc/PID/status`.
    static func parentPID(of pid: Int32, procRoot: String) -> Int32? {
        guard let status = readSmallFile("\(procRoot)/\(pid)/status"),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("PPid:") })
        else { return nil }
        return Int32(line.dropFirst(5).trimmingSpaces)
    }

    /// Whether `CapEff:` in a `/proc/PID/status` holds `CAP_KILL` (bit 5).
    static func hasKillCapability(status: String) -> Bool {
        hasCapability(5, status: status)
    }

    /// Whether `CapEff:` in a `/proc/PID/status` holds capability `bit` (`CAP_NET_ADMIN` is 12).
    static func hasCapability(_ bit: Int, status: String) -> Bool {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
            let mask = UInt64(line.dropFirst(7).trimmingSpaces, radix: 16)
        else { return false }
        return mask & (1 << UInt64(bit)) != 0
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
