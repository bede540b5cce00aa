import SockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Record and replay: `-D FILE` writes the dump's raw netlink replies (ss's format, see ``DumpCapture``), `--from
/// FILE` or `TCPDIAG_FILE` lists such a capture instead of the kernel's tables.
extension Listing {
    /// The options that cannot go with recording or replaying.
    static func checkCapture(_ options: Invocation) throws(UsageError) {
        let replay = options.replayPath != nil
        let source = options.from != nil ? "--from" : "TCPDIAG_FILE"
        if options.diag != nil {
            if replay { throw UsageError("-D records the kernel's dump, and \(source) reads a capture instead; drop one") }
            if options.allNamespaces { throw UsageError("-D records one namespace's dump; not with --all-netns") }
            if options.backend == .proc { throw UsageError("-D records netlink replies; not with --backend proc") }
            if options.summary { throw UsageError("-D records a dump and lists nothing; not with -s") }
        }
        guard replay else { return }
        if options.namespace != nil || options.allNamespaces {
            throw UsageError("\(source) lists a capture, not a network namespace; not with -N or --all-netns")
        }
        if options.backend == .proc { throw UsageError("\(source) lists a capture; not with --backend proc") }
        if options.summary {
            throw UsageError(
                "-s shows the kernel's counters (/proc/net/sockstat), which a capture does not hold; not with \(source)"
            )
        }
    }

    /// `-D`: records the listing's dumps (every socket of its kinds, families and states, with the extensions -m
    /// and -i ask for) to the file, TCP first, then UDP, UNIX and raw (left out, with a note, when the kernel has no
    /// raw_diag: ss reads raw sockets from /proc/net/raw then).
    func record(to path: String) throws {
        let file = try CaptureFile(path: path)
        let write: (UnsafeRawBufferPointer) throws -> Void = { try file.write($0) }
        let inspector = try SocketInspector()
        var inet = query
        inet.protocols.removeAll { $0 == .raw }
        if !inet.protocols.isEmpty { try inspector.record(inet, to: write) }
        if let unixQuery { try inspector.recordUnix(unixQuery, to: write) }
        if query.protocols.contains(.raw) {
            var raw = query
            raw.protocols = [.raw]
            do {
                try inspector.record(raw, to: write)
            } catch let error as SockDiagError where SocketSource.isUnavailable(error) {
                if options.selection.raw { StandardError.note("raw sockets are not recorded: \(error.message)") }
            }
        }
        if query.effectiveFilter != .all {
            StandardError.note("-D records every socket of the selected states; the filter applies when it is read")
        }
        try file.close()
    }

    /// `--from`/`TCPDIAG_FILE`: the capture, and a note for the kinds the listing asks for that it does not hold.
    func openCapture(_ path: String) throws -> SocketSource {
        let capture =
            path == "-"
            ? try DumpCapture(readingDescriptor: STDIN_FILENO, name: "standard input")
            : try DumpCapture(contentsOfFile: path)
        var missing: [String] = []
        if unixQuery != nil && !capture.holds(nil) { missing.append("unix") }
        for transport in query.protocols where !capture.holds(transport) { missing.append("\(transport)") }
        if !missing.isEmpty {
            StandardError.note("the capture holds no \(missing.joined(separator: ", ")) dump: none listed")
        }
        if options.processes {
            StandardError.note(
                "-p with a capture: owners are this machine's processes holding those socket inodes (as ss does)"
            )
        }
        return .capture(capture)
    }
}

/// The file `-D` writes (standard output for `-`), written with `write(2)` as the datagrams arrive.
private final class CaptureFile {
    let descriptor: Int32
    let name: String

    init(path: String) throws {
        if path == "-" {
            descriptor = STDOUT_FILENO
            name = "standard output"
            return
        }
        name = path
        switch valueOrErrno({ open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }) {
        case .success(let value): descriptor = value
        case .failure(let error): throw UsageError("-D \(path): \(error)")
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var written = 0
        while written < bytes.count {
            switch valueOrErrno({ Glibc.write(descriptor, bytes.baseAddress! + written, bytes.count - written) }) {
            case .success(let count): written += count
            case .failure(let error): throw CaptureWriteError(message: "write to \(name): \(error)")
            }
        }
    }

    func close() throws {
        guard descriptor != STDOUT_FILENO else { return }
        if case .failure(let error) = valueOrErrno({ Glibc.close(descriptor) }) {
            throw CaptureWriteError(message: "close \(name): \(error)")
        }
    }
}

/// Writing the capture failed (exit status 1).
struct CaptureWriteError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
