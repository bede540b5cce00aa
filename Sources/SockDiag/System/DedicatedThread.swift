internal import CSockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A POSIX thread that runs one closure and ends; the caller joins it.
///
/// Used where work must happen on a thread of its own: entering a network namespace changes the calling thread
/// for good, so it is done only on threads that end right after. Every such thread is named ``name`` (as
/// `ps -L` and `/proc/PID/task/TID/comm` show it), so that one left behind can be told from the runtime's.
struct DedicatedThread: ~Copyable {
    /// The name of every dedicated thread.
    static let name = "sockdiag"

    private let thread: pthread_t

    /// Starts a thread that runs `work`.
    ///
    /// The corresponding C function is `pthread_create(3)`.
    /// - Throws: ``SockDiagError`` (`ioFailed`, e.g. `EAGAIN` at the thread limit).
    init(_ work: @escaping @Sendable () -> Void) throws(SockDiagError) {
        let box = Unmanaged.passRetained(WorkBox(work))
        var thread = pthread_t()
        let created = pthread_create(
            &thread,
            nil,
            { raw in
                let work = Unmanaged<WorkBox>.fromOpaque(raw!).takeRetainedValue()
                _ = CSockDiag_name_thread(DedicatedThread.name)
                work.run()
                return nil
            },
            box.toOpaque()
        )
        guard created == 0 else {
            box.release()
            throw SockDiagError.fromErrno(Errno(rawValue: created), operation: "pthread_create")
        }
        self.thread = thread
    }

    /// Waits for the thread to end.
    ///
    /// The corresponding C function is `pthread_join(3)`.
    consuming func join() {
        pthread_join(thread, nil)
        discard self
    }

    deinit {
        pthread_join(thread, nil)
    }
}

private final class WorkBox: Sendable {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

/// A slot one thread writes and another reads after joining it.
final class ThreadResult<Value>: @unchecked Sendable {
    var value: Value?
}
