internal import CSockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ProcessFacts {
    /// Sends `signal` to this process if its pid still names it (the same start time), never to a process that
    /// took over the pid.
    ///
    /// The corresponding C functions are `pidfd_open(2)` and `pidfd_send_signal(2)`: the descriptor is opened first,
    /// then the start time is compared, so the signal reaches the process that was compared; where pidfds are
    /// missing (`ENOSYS`), `kill(2)` right after the comparison.
    /// - Parameters:
    ///   - signal: `SIGTERM`, `SIGKILL` …
    ///   - procRoot: The `/proc` of the caller's PID namespace.
    /// - Returns: `sent`, `gone` (it exited), `replaced` (another process has the pid) or `failed` with the error.
    public func send(_ signal: Int32, procRoot: String = "/proc") -> FreeOutcome.SignalResult {
        let pidfd: Int32?
        switch valueOrErrno({ CSockDiag_pidfd_open(pid) }) {
        case .success(let fd): pidfd = fd
        case .failure(let error) where error == .noSuchProcess: return .gone
        case .failure(let error) where error.rawValue == ENOSYS: pidfd = nil
        case .failure(let error): return .failed(error)
        }
        defer { if let pidfd { close(pidfd) } }
        guard let now = ProcessFacts.startTime(pid: pid, procRoot: procRoot) else { return .gone }
        guard now == startTime else { return .replaced }
        let sent = valueOrErrno { pidfd.map { CSockDiag_pidfd_send_signal($0, signal) } ?? kill(pid, signal) }
        switch sent {
        case .success: return .sent
        case .failure(let error) where error == .noSuchProcess: return .gone
        case .failure(let error): return .failed(error)
        }
    }

    /// Whether the pid still names this process (the same start time) and it has not exited.
    public func isRunning(procRoot: String = "/proc") -> Bool {
        guard let stat = readSmallFile("\(procRoot)/\(pid)/stat"), let (_, start) = Self.parseStat(stat) else {
            return false
        }
        // A zombie (state Z) has exited: its descriptors, and so its sockets, are closed.
        let state = stat[stat.index(after: stat.lastIndex(of: ")")!)...].split(separator: " ").first
        return start == startTime && state != "Z" && state != "X"
    }
}
