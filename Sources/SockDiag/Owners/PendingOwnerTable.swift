import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A scan of every socket's owners (``SocketOwnerScanner/allOwners()``) running on a thread of its own, started by
/// ``SocketOwnerScanner/startAllOwners(readAhead:)``: the caller dumps meanwhile and takes the table when its first
/// socket needs it.
///
/// Thread safety: ``table()`` may be called from any thread, and again (the same answer); the scan's thread ends
/// before the first call returns.
public final class PendingOwnerTable: Sendable {
    /// The scan's thread until it is joined.
    private let thread: Mutex<DedicatedThread?>
    private let result: ThreadResult<Result<SocketOwnerTable, SockDiagError>>
    /// How long the scan took, in nanoseconds (once ``table()`` returned).
    private let elapsed: ThreadResult<UInt64>

    init(
        scanner: SocketOwnerScanner,
        readAhead: DumpReadAhead?
    ) throws(SockDiagError) {
        let result = ThreadResult<Result<SocketOwnerTable, SockDiagError>>()
        let elapsed = ThreadResult<UInt64>()
        self.result = result
        self.elapsed = elapsed
        thread = Mutex(try DedicatedThread {
            defer { readAhead?.open() }
            let started = Self.monotonicNanoseconds()
            do throws(SockDiagError) {
                result.value = .success(try scanner.allOwners())
            } catch {
                result.value = .failure(error)
            }
            elapsed.value = Self.monotonicNanoseconds() - started
        })
    }

    /// Waits for the scan's thread, once.
    private func join() {
        thread.withLock { $0.take()?.join() }
    }

    private static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    /// The table, once the scan is over (waits for it).
    /// - Throws: What ``SocketOwnerScanner/allOwners()`` threw.
    public func table() throws(SockDiagError) -> SocketOwnerTable {
        join()
        switch result.value! {
        case .success(let table): return table
        case .failure(let error): throw error
        }
    }

    /// How long the scan took, in nanoseconds (waits for it).
    public var nanoseconds: UInt64 {
        join()
        return elapsed.value ?? 0
    }
}

extension SocketOwnerScanner {
    /// Starts ``allOwners()`` on a thread of its own and returns at once; `readAhead`, when given, opens when the
    /// scan is over (also when it failed): give it to the ``SocketInspector`` that dumps the sockets meanwhile
    /// (``SocketInspector/readAhead``), and the kernel's first replies wait in memory instead of after the scan.
    /// - Throws: ``SockDiagError`` when the thread cannot be started.
    public func startAllOwners(readAhead: DumpReadAhead? = nil) throws(SockDiagError) -> PendingOwnerTable {
        try PendingOwnerTable(scanner: self, readAhead: readAhead)
    }
}
