import Foundation
import SockDiagTestSupport
import Testing

@testable import SockDiag

/// Parse speed and allocations of the /proc backend on a big synthetic table; run by
/// Scripts/bench/measure-proc-parse.sh (release build, malloc counter preloaded), skipped otherwise.
@Suite(
    "Measuring the /proc parser",
    .serialized,
    .enabled(if: ProcessInfo.processInfo.environment["SOCKDIAG_MEASURE_PROC"] != nil, "set SOCKDIAG_MEASURE_PROC=1")
)
struct ProcParseMeasurement {
    static let lineCount = 100_000

    /// The header of `name` followed by its socket lines repeated up to `lines` lines.
    static func synthetic(_ name: String, lines: Int) throws -> [UInt8] {
        let fixture = try ProcFixtures.bytes(name)
        let split = fixture.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast()
        var text = Array(split.first!) + [UInt8(ascii: "\n")]
        let body = split.dropFirst()
        text.reserveCapacity(text.count + lines * (body.map(\.count).max()! + 1))
        for index in 0..<lines {
            text += body[body.startIndex + index % body.count]
            text.append(UInt8(ascii: "\n"))
        }
        return text
    }

    /// Calls of malloc/calloc/realloc/memalign so far, when Scripts/bench/measure-proc-parse.sh preloaded its counter.
    static let mallocCount: (@convention(c) () -> UInt)? = {
        guard let symbol = dlsym(nil, "sockdiag_malloc_count") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) () -> UInt).self)
    }()

    /// CPU time of the calling thread in nanoseconds: robust against being descheduled on a busy machine.
    static func threadCPUNanoseconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) * 1e9 + Double(time.tv_nsec)
    }

    /// Decodes `text` and returns (sockets, thread CPU nanoseconds, malloc calls).
    static func run(_ text: [UInt8], family: AddressFamily) throws -> (Int, Double, UInt?) {
        var sockets = 0
        var checksum: UInt64 = 0
        let mallocsBefore = mallocCount?()
        let start = threadCPUNanoseconds()
        try text.withUnsafeBytes { raw in
            try ProcSocketReader.decode(capturedTable: raw, transport: .tcp, family: family, clockTicksPerSecond: 100) {
                sockets += 1
                checksum &+= $0.inode &+ UInt64($0.local.port)
            }
        }
        let nanoseconds = threadCPUNanoseconds() - start
        let mallocs = mallocCount.map { $0() - mallocsBefore! }
        #expect(checksum != 0)
        return (sockets, nanoseconds, mallocs)
    }

    @Test("100k lines: ns per line, and the same number of mallocs for 50k and 100k lines", arguments: ["tcp", "tcp6"])
    func parseSpeed(name: String) throws {
        let family: AddressFamily = name == "tcp6" ? .inet6 : .inet
        let half = try Self.synthetic(name, lines: Self.lineCount / 2)
        let full = try Self.synthetic(name, lines: Self.lineCount)
        _ = try Self.run(full, family: family)  // warm up
        var best = Double.infinity
        var mallocsFull: UInt?
        for _ in 0..<15 {
            let (sockets, nanoseconds, mallocs) = try Self.run(full, family: family)
            #expect(sockets == Self.lineCount)
            best = min(best, nanoseconds)
            mallocsFull = mallocs
        }
        let (_, _, mallocsHalf) = try Self.run(half, family: family)
        print(
            """
            proc-parse \(name): \(Self.lineCount) lines, \(full.count) bytes, best of 15: \
            \(String(format: "%.1f", best / 1e6)) ms = \(String(format: "%.1f", best / Double(Self.lineCount))) ns/line \
            (\(String(format: "%.0f", Double(full.count) / best * 1e3)) MB/s); \
            mallocs per decode: 50k lines \(mallocsHalf.map(String.init) ?? "n/a"), \
            100k lines \(mallocsFull.map(String.init) ?? "n/a")
            """
        )
        if let mallocsFull, let mallocsHalf {
            #expect(mallocsFull == mallocsHalf, "allocations grow with the number of lines")
        }
    }

    @Test("100k lines through ProcSocketReader: read(2) + parse + query, per line")
    func readerSpeed() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sockdiag-measure-\(UUID().uuidString)"
        )
        let net = root.appendingPathComponent("net")
        try FileManager.default.createDirectory(at: net, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data(try Self.synthetic("tcp", lines: Self.lineCount)).write(to: net.appendingPathComponent("tcp"))
        let reader = ProcSocketReader(procRoot: root.path)
        let query = SocketQuery(protocols: [.tcp], families: [.inet], states: .all)
        var count = 0
        try reader.forEachSocket(matching: query) { _ in count += 1 }  // warm up
        var best = Double.infinity
        var mallocs: UInt?
        for _ in 0..<15 {
            count = 0
            let before = Self.mallocCount?()
            let start = Self.threadCPUNanoseconds()
            try reader.forEachSocket(matching: query) { _ in count += 1 }
            best = min(best, Self.threadCPUNanoseconds() - start)
            mallocs = Self.mallocCount.map { $0() - before! }
            #expect(count == Self.lineCount)
        }
        let nanoseconds = best
        print(
            """
            proc-reader tcp: \(Self.lineCount) lines, best of 15: \(String(format: "%.1f", nanoseconds / 1e6)) ms = \
            \(String(format: "%.1f", nanoseconds / Double(Self.lineCount))) ns/line; \
            mallocs per query: \(mallocs.map(String.init) ?? "n/a")
            """
        )
    }
}
