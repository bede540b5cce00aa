import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Lets a ``SocketInspector``'s dumps start before their caller is ready for the sockets: until ``open()`` is
/// called (from any thread), the kernel's replies are received and kept, at most ``limit`` bytes of them, instead
/// of being decoded and handed over; then the kept replies go through first, in order, and the dump goes on as
/// usual. A dump whose kept replies reach the limit waits for ``open()``.
///
/// For work that the rows need but that can run on another core while the kernel walks its tables: `sockdiag -p`
/// scans every process's descriptors (``SocketOwnerScanner/startAllOwners(readAhead:)``) while the dump starts.
/// The answer is the same as without it; only the time the kernel spends on the first replies overlaps the other
/// work. The memory is at most `limit` bytes, mapped as the replies arrive and unmapped when the dump is done.
///
/// Thread safety: ``open()`` may be called from any thread, once or more; an inspector waits on one gate at a time
/// (``SocketInspector/readAhead``).
public final class DumpReadAhead: Sendable {
    /// The most reply bytes kept while the gate is closed.
    public let limit: Int
    private let opened = Atomic<Bool>(false)
    /// A pipe that ``open()`` writes a byte to, for a dump that waits; `-1` when none could be made (a dump then
    /// does not read ahead).
    private let event: Int32
    private let signal: Int32

    /// A closed gate that lets a dump keep up to `limit` bytes of replies (at least one datagram's worth).
    public init(limit: Int) {
        self.limit = max(limit, 0)
        var ends: (Int32, Int32) = (-1, -1)
        let made = withUnsafeMutableBytes(of: &ends) { pipe($0.baseAddress!.assumingMemoryBound(to: Int32.self)) }
        if made == 0 {
            _ = fcntl(ends.0, F_SETFD, FD_CLOEXEC)
            _ = fcntl(ends.1, F_SETFD, FD_CLOEXEC)
        }
        (event, signal) = made == 0 ? ends : (-1, -1)
    }

    deinit {
        if event >= 0 {
            close(event)
            close(signal)
        }
    }

    /// Lets the dumps go on: the kept replies are handed over, and a dump that waits resumes.
    public func open() {
        guard !opened.exchange(true, ordering: .acquiringAndReleasing), event >= 0 else { return }
        var one: UInt8 = 1
        _ = valueOrErrno { write(signal, &one, 1) }
    }

    /// Whether ``open()`` was called.
    public var isOpen: Bool { opened.load(ordering: .acquiring) }

    /// Whether a dump can keep replies (the gate could make its event).
    var canWait: Bool { event >= 0 }

    /// Blocks until ``open()`` is called.
    func waitUntilOpen() {
        guard event >= 0 else { return }
        while !isOpen {
            var byte: UInt8 = 0
            if case .failure = valueOrErrno({ read(event, &byte, 1) }) { return }
        }
    }
}

/// The replies a dump keeps while its ``DumpReadAhead`` is closed: whole datagrams, one after another in an
/// anonymous mapping of the gate's limit (pages are touched only as replies arrive), each after its length.
final class KeptReplies {
    private let base: UnsafeMutableRawPointer?
    private let capacity: Int
    private var used = 0
    /// Whether a kept datagram ends the dump (`NLMSG_DONE` or `NLMSG_ERROR`): nothing more is on the socket.
    private(set) var holdsEnd = false

    init(capacity: Int) {
        let mapped = mmap(nil, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        if let mapped, mapped != MAP_FAILED {
            base = mapped
            self.capacity = capacity
        } else {
            base = nil
            self.capacity = 0
        }
    }

    deinit {
        if let base { munmap(base, capacity) }
    }

    var isEmpty: Bool { used == 0 }

    /// Keeps `batch` when it fits; `false` when it does not (nothing kept).
    func keep(_ batch: UnsafeRawBufferPointer, sequence: UInt32) -> Bool {
        let stride = 8 + (batch.count + 7) & ~7
        guard let base, used + stride <= capacity, let source = batch.baseAddress else { return false }
        base.storeBytes(of: UInt64(batch.count), toByteOffset: used, as: UInt64.self)
        (base + used + 8).copyMemory(from: source, byteCount: batch.count)
        used += stride
        if Self.endsDump(batch, sequence: sequence) { holdsEnd = true }
        return true
    }

    /// Calls `body` with each kept datagram in order, until it returns `false`; the pages of the datagrams it is
    /// done with are given back as it goes (`MADV_DONTNEED`), so that the kept replies and what the caller makes
    /// of them do not take memory at the same time.
    func forEach(_ body: (UnsafeRawBufferPointer) throws -> Bool) rethrows {
        guard let base else { return }
        var offset = 0
        var released = 0
        while offset < used {
            let length = Int(base.load(fromByteOffset: offset, as: UInt64.self))
            guard try body(UnsafeRawBufferPointer(start: base + offset + 8, count: length)) else { return }
            offset += 8 + (length + 7) & ~7
            let done = offset & ~(Self.releaseStep - 1)
            if done - released >= Self.releaseStep {
                _ = madvise(base + released, done - released, MADV_DONTNEED)
                released = done
            }
        }
    }

    /// How many bytes of consumed replies are given back at once (a multiple of the page size).
    static let releaseStep = 1 << 16

    /// Whether `batch` holds the end of dump `sequence`: an `NLMSG_DONE` or `NLMSG_ERROR` message of it (a
    /// malformed header ends the walk; the batch runner reports it later).
    static func endsDump(_ batch: UnsafeRawBufferPointer, sequence: UInt32) -> Bool {
        var offset = 0
        while offset + 16 <= batch.count {
            let length = Int(batch.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            let type = batch.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self)
            let messageSequence = batch.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
            // NLMSG_DONE, NLMSG_ERROR
            if (type == 3 || type == 2) && messageSequence == sequence {
                return true
            }
            guard length >= 16 else { return false }
            offset += (length + 3) & ~3
        }
        return false
    }
}
