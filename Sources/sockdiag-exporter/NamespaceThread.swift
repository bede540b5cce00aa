#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs a closure on a new thread and waits for it: `-N` enters the namespace there, so that the inspector is
/// created inside it while the serving threads keep the exporter's own namespace.
enum NamespaceThread {
    static func run<T>(_ body: @escaping () throws -> T) throws -> T {
        final class Job {
            let body: () throws -> T
            var result: Result<T, any Error>?
            init(_ body: @escaping () throws -> T) { self.body = body }
        }
        let job = Job(body)
        let retained = Unmanaged.passRetained(job).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(
            &thread,
            nil,
            { raw in
                let job = Unmanaged<Job>.fromOpaque(raw!).takeUnretainedValue()
                do {
                    job.result = .success(try job.body())
                } catch {
                    job.result = .failure(error)
                }
                return nil
            },
            retained
        )
        defer { Unmanaged<Job>.fromOpaque(retained).release() }
        guard created == 0 else {
            throw ExporterError("cannot start a thread for the namespace: pthread_create returned \(created)")
        }
        pthread_join(thread, nil)
        return try job.result!.get()
    }
}
