import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What a running child uses, from /proc: to show that a server neither leaks descriptors nor spins.
extension BackgroundProcess {
    /// CPU time (user + system) the child has used so far, in seconds (`utime` and `stime` of /proc/PID/stat).
    package func cpuSeconds() throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // The fields after the command name, which is in parentheses and may hold spaces: state is field 3.
        guard let close = stat.lastIndex(of: ")") else { throw HelperError("unexpected /proc/\(pid)/stat: \(stat)") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw HelperError("unexpected /proc/\(pid)/stat: \(stat)")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// How many descriptors the child has open now.
    package func descriptorCount() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
    }

    /// The lowest descriptor number the child has free: its next `open()` or `accept()` would take it, and a
    /// descriptor limit at that number makes them fail with EMFILE.
    package func lowestFreeDescriptor() throws -> Int {
        let open = Set(try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").compactMap { Int($0) })
        return (0...).first { !open.contains($0) }!
    }

    /// Sets the child's soft `RLIMIT_NOFILE` with `prlimit --pid` (not the hard one, which even root may not raise
    /// again without CAP_SYS_RESOURCE); at or below its highest open descriptor, its next `accept()` or `open()`
    /// fails with EMFILE.
    package func limitDescriptors(to limit: Int) throws {
        guard let prlimit = Commands.find("prlimit") else { throw HelperError("prlimit is not installed") }
        let result = try Commands.run(prlimit, ["--pid", "\(pid)", "--nofile=\(limit):"])
        guard result.status == 0 else { throw HelperError("prlimit --pid \(pid) --nofile=\(limit) failed: \(result)") }
    }
}
