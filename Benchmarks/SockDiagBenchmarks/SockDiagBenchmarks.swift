// Benchmarks of SockDiag: decoding recorded dump replies (Tests/Fixtures), and live dumps of the sockets of the
// network namespace the benchmark runs in. See Benchmarks/README.md for what each one measures and how to run it.
import Benchmark
import Foundation
import SockDiag

// MARK: - Metric sets

/// Which metrics to measure, from `SOCKDIAG_BENCHMARK_METRICS` (default `ci`).
///
/// Malloc counting is never measured together with `cpuTotal` or `peakMemoryResident`: counting perturbs them.
enum MetricSet: String {
    /// `mallocCountTotal` only: exact and repeatable on any machine, what CI checks.
    case ci
    /// `mallocCountTotal` and `wallClock`, for a developer's machine.
    case local
    /// `wallClock`, `cpuTotal` and `peakMemoryResident`, without malloc counting.
    case resources

    static let current: MetricSet = {
        let value = ProcessInfo.processInfo.environment["SOCKDIAG_BENCHMARK_METRICS"] ?? "ci"
        guard let set = MetricSet(rawValue: value) else {
            fatalError("SOCKDIAG_BENCHMARK_METRICS is '\(value)': expected ci, local or resources")
        }
        return set
    }()

    var metrics: [BenchmarkMetric] {
        switch self {
        case .ci: return [.mallocCountTotal]
        case .local: return [.mallocCountTotal, .wallClock]
        case .resources: return [.wallClock, .cpuTotal, .peakMemoryResident]
        }
    }
}

/// Reported by every benchmark: how many sockets one iteration went through, so that a count can be read per
/// socket (a live dump sees whatever sockets exist where it runs).
let socketsMetric = BenchmarkMetric.custom("sockets", polarity: .prefersLarger, useScalingFactor: false)

// MARK: - Recorded dumps

/// One recorded dump reply: concatenated netlink messages ending with `NLMSG_DONE`.
struct RecordedDump: Sendable {
    let name: String
    let transport: TransportProtocol
    let boundInactiveRequested: Bool
    let bytes: [UInt8]
    let sockets: Int
}

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Fixtures")

    /// `(file, transport, bound-inactive bit requested)` for every capture in Tests/Fixtures.
    static let files: [(String, TransportProtocol, Bool)] = [
        ("tcp4-all.bin", .tcp, false), ("tcp6-all.bin", .tcp, false), ("udp4-all.bin", .udp, false),
        ("udp6-all.bin", .udp, false), ("tcp4-bound-inactive.bin", .tcp, true),
    ]

    /// How many sockets the replicated `tcp4-all.bin` dumps hold.
    static let replicatedSizes = [1_000, 100_000]

    /// The captures, read once (on first use, outside any measurement).
    static let recorded: [RecordedDump] = files.map { name, transport, boundInactive in
        let bytes = read(name)
        return RecordedDump(
            name: name,
            transport: transport,
            boundInactiveRequested: boundInactive,
            bytes: bytes,
            sockets: verifiedCount(bytes, transport: transport, name: name)
        )
    }

    /// `tcp4-all.bin`'s socket messages repeated to `size` sockets, then one `NLMSG_DONE`, keyed by size.
    static let replicated: [Int: RecordedDump] = {
        let source = read("tcp4-all.bin")
        let (messages, done) = split(source, name: "tcp4-all.bin")
        var result: [Int: RecordedDump] = [:]
        for size in replicatedSizes {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(size * 128 + done.count)
            for index in 0..<size {
                bytes += messages[index % messages.count]
            }
            bytes += done
            let name = "tcp4-all.bin x\(size / messages.count)+"
            let sockets = verifiedCount(bytes, transport: .tcp, name: name)
            precondition(sockets == size, "\(name): decoded \(sockets) sockets, built \(size)")
            result[size] = RecordedDump(
                name: name,
                transport: .tcp,
                boundInactiveRequested: false,
                bytes: bytes,
                sockets: sockets
            )
        }
        return result
    }()

    static func read(_ name: String) -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
        } catch {
            fatalError("cannot read fixture \(name) in \(directory.path): \(error)")
        }
    }

    /// Splits a capture into its socket messages (each with its alignment padding, so that each copy starts
    /// 4-byte aligned and carries its own `nlmsg_len`) and its `NLMSG_DONE` message, checking the framing.
    static func split(_ bytes: [UInt8], name: String) -> (messages: [[UInt8]], done: [UInt8]) {
        let headerSize = 16
        let sockDiagByFamily: UInt16 = 20
        let doneType: UInt16 = 3
        var messages: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            precondition(bytes.count - offset >= headerSize, "\(name): stray bytes at \(offset)")
            let (length, type) = bytes.withUnsafeBytes { raw in
                (
                    Int(raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)),
                    raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self)
                )
            }
            let aligned = (length + 3) & ~3
            precondition(
                length >= headerSize && offset + aligned <= bytes.count,
                "\(name): message of length \(length) at \(offset) of \(bytes.count)"
            )
            let message = Array(bytes[offset..<offset + aligned])
            switch type {
            case sockDiagByFamily:
                messages.append(message)
            case doneType:
                precondition(offset + aligned == bytes.count, "\(name): bytes after NLMSG_DONE")
                precondition(!messages.isEmpty, "\(name): no socket message")
                return (messages, message)
            default:
                preconditionFailure("\(name): unexpected message type \(type) at \(offset)")
            }
            offset += aligned
        }
        preconditionFailure("\(name): no NLMSG_DONE")
    }

    /// Decodes `bytes` once (outside any measurement) and returns how many sockets they hold.
    static func verifiedCount(_ bytes: [UInt8], transport: TransportProtocol, name: String) -> Int {
        var count = 0
        do {
            try bytes.withUnsafeBytes { raw in
                try SocketInspector.decode(capturedDump: raw, transport: transport) { _ in count += 1 }
            }
        } catch {
            fatalError("\(name) does not decode: \(error)")
        }
        return count
    }
}

/// Decodes `dump` through the public entry point, touching every socket; returns the number of sockets.
@inline(never)
func decode(_ dump: RecordedDump) throws -> Int {
    var count = 0
    var checksum = 0
    try dump.bytes.withUnsafeBytes { raw in
        try SocketInspector.decode(
            capturedDump: raw,
            transport: dump.transport,
            boundInactiveRequested: dump.boundInactiveRequested
        ) { socket in
            count += 1
            checksum &+= Int(socket.local.port) &+ Int(socket.peer.port) &+ Int(socket.state.rawValue)
        }
    }
    blackHole(checksum)
    return count
}

// MARK: - Live queries

/// The live queries: sockdiag -tan, sockdiag --state time-wait --port 8000.
enum LiveQueries {
    static let allTCP = SocketQuery(protocols: [.tcp], states: .all)
    static let timeWaitPort8000 = SocketQuery(
        protocols: [.tcp],
        states: .timeWait,
        ports: [PortMatch(.either, [8000])]
    )
}

// MARK: - Benchmarks

let benchmarks: @Sendable () -> Void = {
    let metrics = MetricSet.current.metrics
    Benchmark.defaultConfiguration = .init(
        metrics: metrics + [socketsMetric],
        warmupIterations: 3,
        maxDuration: .seconds(2),
        maxIterations: 10_000
    )

    // Recorded replies: what decoding costs on its own, the same on every machine and kernel.
    for (index, file) in Fixtures.files.enumerated() {
        Benchmark("decode \(file.0)") { benchmark in
            let dump = Fixtures.recorded[index]
            benchmark.startMeasurement()
            let sockets = try decode(dump)
            benchmark.stopMeasurement()
            benchmark.measurement(socketsMetric, sockets)
        }
    }
    // The same socket messages many times over: with 0 mallocs per socket, the total does not grow with the size.
    for size in Fixtures.replicatedSizes {
        Benchmark(
            "decode tcp4-all.bin replicated",
            configuration: .init(metrics: metrics + [socketsMetric], tags: ["sockets": "\(size)"])
        ) { benchmark in
            let dump = Fixtures.replicated[size]!
            benchmark.startMeasurement()
            let sockets = try decode(dump)
            benchmark.stopMeasurement()
            benchmark.measurement(socketsMetric, sockets)
        }
    }

    // Aggregating replies from their headers only (what an agent or the exporter does every scrape): the counters
    // are reused across iterations, so mallocs stay flat whatever the number of sockets.
    for size in Fixtures.replicatedSizes {
        var aggregator = SocketAggregator(topPorts: 10)
        Benchmark(
            "aggregate tcp4-all.bin replicated",
            configuration: .init(metrics: metrics + [socketsMetric], tags: ["sockets": "\(size)"])
        ) { benchmark in
            let dump = Fixtures.replicated[size]!
            benchmark.startMeasurement()
            let aggregate = try aggregator.aggregate(capturedDumps: [(.tcp, dump.bytes)])
            benchmark.stopMeasurement()
            benchmark.measurement(socketsMetric, aggregate.socketsSeen)
        }
    }

    // Live dumps of the namespace the benchmark runs in, on one inspector reused across iterations (as an agent
    // would). They measure whatever sockets exist there: Scripts/bench/bench-scale.sh --package-benchmark runs them in
    // a namespace holding N sockets.
    let inspector: SocketInspector?
    do {
        inspector = try SocketInspector()
    } catch {
        inspector = nil
        print("live benchmarks skipped: \(error)")
    }
    let live = Benchmark.Configuration(
        metrics: metrics + [socketsMetric],
        warmupIterations: 2,
        maxDuration: .seconds(3),
        maxIterations: 1_000,
        skip: inspector == nil
    )

    Benchmark("live forEachSocket tcp all states", configuration: live) { benchmark in
        var sockets = 0
        var checksum = 0
        benchmark.startMeasurement()
        try inspector!.forEachSocket(matching: LiveQueries.allTCP) { socket in
            sockets += 1
            checksum &+= Int(socket.local.port) &+ Int(socket.state.rawValue)
        }
        benchmark.stopMeasurement()
        blackHole(checksum)
        benchmark.measurement(socketsMetric, sockets)
    }

    Benchmark("live forEachSocket tcp time-wait port 8000", configuration: live) { benchmark in
        var sockets = 0
        var checksum = 0
        benchmark.startMeasurement()
        try inspector!.forEachSocket(matching: LiveQueries.timeWaitPort8000) { socket in
            sockets += 1
            checksum &+= Int(socket.local.port) &+ Int(socket.peer.port)
        }
        benchmark.stopMeasurement()
        blackHole(checksum)
        benchmark.measurement(socketsMetric, sockets)
    }

    Benchmark("live forEachRawMessage tcp all states (floor)", configuration: live) { benchmark in
        var messages = 0
        benchmark.startMeasurement()
        try inspector!.forEachRawMessage(matching: LiveQueries.allTCP) { _, payload in
            messages += 1
        }
        benchmark.stopMeasurement()
        benchmark.measurement(socketsMetric, messages)
    }

    Benchmark("live forEachRawMessage tcp time-wait port 8000 (floor)", configuration: live) { benchmark in
        var messages = 0
        benchmark.startMeasurement()
        try inspector!.forEachRawMessage(matching: LiveQueries.timeWaitPort8000) { _, payload in
            messages += 1
        }
        benchmark.stopMeasurement()
        benchmark.measurement(socketsMetric, messages)
    }

    var liveAggregator = SocketAggregator(topPorts: 10)
    Benchmark("live aggregate tcp+udp all states", configuration: live) { benchmark in
        benchmark.startMeasurement()
        let aggregate = try liveAggregator.aggregate(inspector!)
        benchmark.stopMeasurement()
        benchmark.measurement(socketsMetric, aggregate.socketsSeen)
    }
}
