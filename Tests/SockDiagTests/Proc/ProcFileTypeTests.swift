import Foundation
import Synchronization
import Testing

@testable import SockDiag

#if canImport(Glibc)
import Glibc
#endif

@Suite("A /proc file that is not a regular file")
struct ProcFileTypeTests {
    /// A directory laid out like /proc whose `net/NAME` is a FIFO; removed by the caller.
    static func rootWithFIFO(named name: String) throws -> (root: URL, fifo: String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sockdiag-fifo-\(getpid())-\(UUID())")
        let net = root.appendingPathComponent("net")
        try FileManager.default.createDirectory(at: net, withIntermediateDirectories: true)
        let fifo = net.appendingPathComponent(name).path
        guard mkfifo(fifo, 0o600) == 0 else { throw CocoaError(.fileWriteUnknown) }
        return (root, fifo)
    }

    /// Runs `body` on a thread; whether it returned within two seconds. If not, opens `fifo` for writing (the
    /// reader blocked in open(2) then goes on to an empty file) and waits for it, so that the test ends anyway.
    static func returnsPromptly<Value: Sendable>(
        unblocking fifo: String,
        _ body: @escaping @Sendable () -> Value
    ) -> (returned: Bool, value: Value) {
        let outcome = Mutex<Value?>(nil)
        let finished = DispatchSemaphore(value: 0)
        Thread {
            let value = body()
            outcome.withLock { $0 = value }
            finished.signal()
        }.start()
        let returned = finished.wait(timeout: .now() + 2) == .success
        if !returned {
            let writer = open(fifo, O_WRONLY | O_NONBLOCK)
            if writer >= 0 { close(writer) }
            finished.wait()
        }
        return (returned, outcome.withLock { $0! })
    }

    @Test("ProcSocketReader refuses a FIFO as a table at once (procUnavailable) instead of waiting on it")
    func fifoTable() throws {
        let (root, fifo) = try Self.rootWithFIFO(named: "tcp")
        defer { try? FileManager.default.removeItem(at: root) }
        let reader = ProcSocketReader(procRoot: root.path)
        let (returned, result) = Self.returnsPromptly(unblocking: fifo) {
            Result { () throws(SockDiagError) in
                try reader.sockets(matching: SocketQuery(protocols: [.tcp], families: [.inet], states: .all))
            }
        }
        #expect(returned, "reading a FIFO table blocked")
        guard case .failure(let error) = result else {
            Issue.record("a FIFO table was read")
            return
        }
        #expect(error.code == .procUnavailable)
        #expect(error.message == "open \(fifo): a FIFO, not a regular file (is /proc mounted there?)")
    }

    @Test("KernelSocketStatistics skips a FIFO in place of sockstat instead of waiting on it")
    func fifoCounters() throws {
        let (root, fifo) = try Self.rootWithFIFO(named: "sockstat")
        defer { try? FileManager.default.removeItem(at: root) }
        let (returned, counters) = Self.returnsPromptly(unblocking: fifo) {
            KernelSocketStatistics.read(procRoot: root.path)
        }
        #expect(returned, "reading a FIFO sockstat blocked")
        #expect(counters == KernelSocketStatistics())
    }
}
