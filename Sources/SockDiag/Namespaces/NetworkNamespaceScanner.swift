internal import CSockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What a search for network namespaces could not read.
public struct NetworkNamespaceScanReport: Hashable, Sendable {
    /// Processes whose namespace (`/proc/PID/ns/net`) was read.
    public var processesScanned = 0
    /// Processes whose namespace could not be read (`EACCES` for another user's process when not root): a
    /// namespace only they are in is missing from the result.
    public var processesUnreadable = 0
    /// How many processes could not be read, by error.
    public var unreadableErrors: [Errno: Int] = [:]
    /// Processes that exited while the search ran; skipped.
    public var processesVanished = 0
    /// Names under the named directory that could not be read, with the error.
    public var unreadableNames: [String: Errno] = [:]
    /// Names under the named directory that are not namespace files (left behind when the bind mount went away).
    public var staleNames: [String] = []

    /// Creates an empty report.
    public init() {}

    /// Whether every process and every name could be read.
    public var isComplete: Bool { processesUnreadable == 0 && unreadableNames.isEmpty }
}

/// The namespaces found by ``NetworkNamespaceScanner/namespaces()`` and what could not be read.
public struct NetworkNamespaceScan: Hashable, Sendable {
    /// Every distinct namespace found: the caller's first, then the named ones by name, then the others in the
    /// order of the first process found in each.
    public var namespaces: [NetworkNamespace]
    /// What could not be read.
    public var report: NetworkNamespaceScanReport

    /// Creates a result.
    public init(namespaces: [NetworkNamespace] = [], report: NetworkNamespaceScanReport = NetworkNamespaceScanReport())
    {
        self.namespaces = namespaces
        self.report = report
    }
}

/// Finds every distinct network namespace reachable through the named directory (`/var/run/netns/*`, as
/// `ip netns` names them) and `/proc/*/ns/net`, the caller's own included.
///
/// Namespaces are told apart by the device and inode of their namespace file, so a namespace reached by a name
/// and by processes is listed once, with its name. Processes that exit during the search are skipped; processes
/// whose namespace cannot be read (another user's, when not root) are counted in the report. Only each
/// process's main thread is looked at (`/proc/PID/ns/net`), as `lsns` does: a namespace that only a thread of
/// another process has entered is not found.
///
/// Thread safety: a scanner is an immutable value; searches may run concurrently. Each lists `/proc` with
/// `getdents64(2)` into one buffer and allocates only for the namespaces it finds.
public struct NetworkNamespaceScanner: Sendable {
    /// The `/proc` mount whose processes are looked at.
    public let procRoot: String
    /// The directory of named namespaces.
    public let namedDirectory: String

    /// Creates a scanner. Nothing is opened until a search runs.
    /// - Parameters:
    ///   - procRoot: A `/proc` mount.
    ///   - namedDirectory: Where named namespaces are bind-mounted (``NetworkNamespace/directory``).
    public init(procRoot: String = "/proc", namedDirectory: String = NetworkNamespace.directory) {
        self.procRoot = procRoot
        self.namedDirectory = namedDirectory
    }

    /// Finds the namespaces.
    ///
    /// The corresponding C functions are `getdents64(2)` and `fstatat(2)`.
    /// - Returns: Every distinct namespace found and what could not be read.
    /// - Throws: ``SockDiagError`` only when the caller's own namespace or `procRoot` cannot be read
    ///   (`procUnavailable`, `permissionDenied`, `ioFailed`); a missing named directory means no names.
    public func namespaces() throws(SockDiagError) -> NetworkNamespaceScan {
        let current = try NetworkNamespace.callersNamespace(procRoot: procRoot)
        var search = NamespaceSearch(procRoot: procRoot, current: current)
        defer { search.buffer.deallocate() }
        try search.readNames(in: namedDirectory)
        try search.readProcesses()
        return search.result(namedDirectory: namedDirectory)
    }
}

/// One search in progress.
private struct NamespaceSearch {
    static let bufferSize = 32 * 1024

    let procRoot: String
    let buffer: UnsafeMutableRawBufferPointer
    /// The caller's namespace, first in the result.
    let current: NetworkNamespace.ID
    var report = NetworkNamespaceScanReport()
    /// The first name (in byte order) of each named namespace.
    var names: [NetworkNamespace.ID: String] = [:]
    /// The first process found in each namespace, in the order found.
    var processes: [NetworkNamespace.ID: Int32] = [:]
    var processOrder: [NetworkNamespace.ID] = []

    init(procRoot: String, current: NetworkNamespace.ID) {
        self.procRoot = procRoot
        self.current = current
        buffer = .allocate(byteCount: Self.bufferSize, alignment: 8)
    }

    /// The named namespaces: every entry of `directory` whose file is on the namespace file system.
    mutating func readNames(in directory: String) throws(SockDiagError) {
        let fd: Int32
        switch valueOrErrno({ open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }) {
        case .success(let opened): fd = opened
        case .failure(let error):
            if error != .noSuchFileOrDirectory && error != .notADirectory { report.unreadableNames[directory] = error }
            return
        }
        defer { close(fd) }
        let buffer = self.buffer
        while true {
            let filled = try procSystemCall("read directory", path: directory) {
                CSockDiag_getdents64(fd, buffer.baseAddress, buffer.count)
            }
            if filled == 0 { break }
            var offset = 0
            while offset < filled {
                let (name, next) = try DirectoryRecords.entry(in: buffer, at: offset, filled: filled, path: directory)
                offset = next
                guard name[0] != UInt8(ascii: ".") else { continue }
                var length = 0
                while name[length] != 0 { length += 1 }
                let text = String(decoding: UnsafeBufferPointer(start: name, count: length), as: UTF8.self)
                var status = stat()
                let entryPath = UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self)
                if case .failure(let error) = valueOrErrno({ fstatat(fd, entryPath, &status, 0) }) {
                    report.unreadableNames[text] = error
                    continue
                }
                let id = NetworkNamespace.ID(of: status)
                // Every namespace file lives on the one nsfs device; anything else is a stale mount point.
                guard id.device == current.device else {
                    report.staleNames.append(text)
                    continue
                }
                if let known = names[id], known.utf8.lexicographicallyPrecedes(text.utf8) { continue }
                names[id] = text
            }
        }
    }

    /// The namespace of every process under `procRoot`.
    mutating func readProcesses() throws(SockDiagError) {
        let root = procRoot
        let directory = try procSystemCall("open", path: root) {
            root.withCString { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        }
        defer { close(directory) }
        let buffer = self.buffer
        // "PID/ns/net" and a NUL: at most 10 digits + 8 bytes.
        var path = [CChar](repeating: 0, count: 32)
        while true {
            let filled = try procSystemCall("read directory", path: root) {
                CSockDiag_getdents64(directory, buffer.baseAddress, buffer.count)
            }
            if filled == 0 { break }
            var offset = 0
            while offset < filled {
                let (name, next) = try DirectoryRecords.entry(in: buffer, at: offset, filled: filled, path: root)
                offset = next
                guard let pid = SocketOwnerScanner.entryNumber(name) else { continue }
                var length = 0
                while name[length] != 0 {
                    path[length] = CChar(bitPattern: name[length])
                    length += 1
                }
                for byte in "/ns/net".utf8 {
                    path[length] = CChar(bitPattern: byte)
                    length += 1
                }
                path[length] = 0
                var status = stat()
                if case .failure(let error) = valueOrErrno({ fstatat(directory, path, &status, 0) }) {
                    if error == .noSuchFileOrDirectory || error == .noSuchProcess {
                        report.processesVanished += 1
                    } else {
                        report.processesUnreadable += 1
                        report.unreadableErrors[error, default: 0] += 1
                    }
                    continue
                }
                report.processesScanned += 1
                let id = NetworkNamespace.ID(of: status)
                if processes[id] == nil {
                    processes[id] = pid
                    processOrder.append(id)
                }
            }
        }
    }

    func result(namedDirectory: String) -> NetworkNamespaceScan {
        var namespaces: [NetworkNamespace] = []
        namespaces.reserveCapacity(1 + names.count + processOrder.count)
        namespaces.append(
            NetworkNamespace(
                id: current,
                name: names[current],
                path: names[current].map { "\(namedDirectory)/\($0)" } ?? "\(procRoot)/thread-self/ns/net",
                processID: processes[current],
                isCurrent: true
            )
        )
        for (id, name) in names.sorted(by: { $0.value.utf8.lexicographicallyPrecedes($1.value.utf8) })
        where id != current {
            namespaces.append(
                NetworkNamespace(id: id, name: name, path: "\(namedDirectory)/\(name)", processID: processes[id])
            )
        }
        for id in processOrder where id != current && names[id] == nil {
            let pid = processes[id]!
            namespaces.append(NetworkNamespace(id: id, path: "\(procRoot)/\(pid)/ns/net", processID: pid))
        }
        return NetworkNamespaceScan(namespaces: namespaces, report: report)
    }
}
