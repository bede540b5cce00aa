import SockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `-N NAME`: the inspector is created on a thread of its own that enters the namespace and then ends, so that the
/// inspector's netlink socket belongs to the namespace while every serving thread keeps the exporter's own.
enum NamespaceThread {
    private final class Job {
        let namespace: String
        var result: Result<SocketInspector, any Error>?
        init(namespace: String) { self.namespace = namespace }

        func run() {
            result = Result {
                try NetworkNamespace.enter(named: namespace)
                return try SocketInspector()
            }
        }
    }

    /// An inspector of the network namespace `name` (`/var/run/netns/NAME` or a path).
    /// - Throws: ``SockDiagError`` from entering the namespace or opening the socket.
    static func inspector(in name: String) throws -> SocketInspector {
        let job = Job(namespace: name)
        let retained = Unmanaged.passRetained(job).toOpaque()
        defer { Unmanaged<Job>.fromOpaque(retained).release() }
        var thread = pthread_t()
        let created = pthread_create(
            &thread,
            nil,
            { raw in
                Unmanaged<Job>.fromOpaque(raw!).takeUnretainedValue().run()
                return nil
            },
            retained
        )
        guard created == 0 else {
            throw ExporterError(
                "cannot start a thread for network namespace '\(name)': pthread_create returned \(created)"
            )
        }
        pthread_join(thread, nil)
        return try job.result!.get()
    }
}
