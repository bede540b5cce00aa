import Foundation
import SockDiagTestSupport
import Testing

@testable import SockDiag
@testable import SockDiagFormatting

/// The `-o`, `-e`, `-m`, `-i` columns against ss 6.1's rendering of the very same captured bytes
/// (Scripts/fixtures/make-extension-fixtures.sh runs `TCPDIAG_FILE=capture ss …`).
@Suite("ss's -o -e -m -i columns, byte for byte")
struct DetailFormattingTests {
    static let variants: [(file: String, details: OutputDetails)] = [
        ("ss-tanoemiH", [.timer, .extended, .memory, .tcpInfo, .numericRates]),
        ("ss-tanmiH", [.memory, .tcpInfo, .numericRates]),
        ("ss-tamiH", [.memory, .tcpInfo]),
    ]

    static let cases: [(capture: String, file: String, details: OutputDetails)] = ["tcp4", "tcp6"].flatMap { capture in
        variants.map { (capture, $0.file, $0.details) }
    }

    @Test("every row and second line as ss prints it", arguments: cases)
    func matchesSS(capture: String, file: String, details: OutputDetails) throws {
        let sockets = try Fixtures.decode(Fixtures.bytes("ext-\(capture).bin"), transport: .tcp)
        var formatter = TableFormatter(families: [.inet, .inet6])
        formatter.details = details
        // ss resolved every socket's cgroup id to the root cgroup when the capture was made.
        formatter.cgroupPath = { _ in Array("/".utf8) }
        var bytes: [UInt8] = []
        for socket in sockets { formatter.write(socket, to: &bytes) }
        let ours = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map { Self.trimmed($0) }
        let theirs = try Fixtures.text("ext-\(capture).\(file).txt").split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map { Self.trimmed($0) }
        #expect(ours.count == theirs.count)
        #expect(ours.count == 2 * sockets.count)
        for (index, (our, their)) in zip(ours, theirs).enumerated() {
            if index % 2 == 0 {
                // The first line: ss pads its columns differently and leaves out Netid for one protocol.
                let ourFields = our.split(separator: " ").dropFirst().map(String.init)
                let theirFields = their.split(separator: " ").map(String.init)
                #expect(ourFields == theirFields, "row \(index / 2)")
            } else {
                // After ss 6.1's fields, sockdiag prints the newer ones it does not know (rcv_wnd, …).
                #expect(NewerTCPInfoFields.ss61(our) == their, "second line of row \(index / 2)")
            }
        }
    }

    static func trimmed(_ line: Substring) -> String {
        var line = line
        while let last = line.last, last == " " || last == "\t" { line.removeLast() }
        return String(line)
    }

    @Test("timer expiry as ss's print_ms_timer", arguments: [
        (59_000 as UInt32, "59sec"), (74_321, "1min14sec"), (200, "200ms"), (5, "005ms"), (1_200, "1.200ms"),
        (12_345, "12sec"), (600_000, "10min"), (659_999, "10min"), (0, ""), (9_999, "9.999ms"),
    ])
    func timerExpiry(milliseconds: UInt32, text: String) {
        #expect(Self.write { $0.timerExpiry(milliseconds: milliseconds) } == text)
    }

    @Test("%g and %.3g as printf prints them", arguments: [
        (0.04, 6, "0.04"), (204, 6, "204"), (1234.567, 6, "1234.57"), (2.88671875, 6, "2.88672"), (218.4533, 3, "218"),
        (18.58, 3, "18.6"), (999.6, 3, "1e+03"), (0.0001, 6, "0.0001"), (0.00001, 6, "1e-05"), (1e6, 6, "1e+06"),
        (100, 3, "100"), (32.75, 3, "32.8"), (1.0, 6, "1"),
    ])
    func general(value: Double, precision: Int, text: String) {
        #expect(Self.write { $0.general(value, precision: precision) } == text)
    }

    @Test("rates as sprint_bw prints them")
    func rates() {
        #expect(Self.write { $0.bitRate(218_453_333_333.3, numeric: false) } == "218G")
        #expect(Self.write { $0.bitRate(218_453_333_333.5, numeric: true) } == "218453333334")
        #expect(Self.write { $0.bitRate(248_703_120, numeric: false) } == "249M")
        #expect(Self.write { $0.bitRate(0, numeric: false) } == "0")
        #expect(Self.write { $0.bitRate(999, numeric: false) } == "999")
        #expect(Self.write { $0.bitRate(1.5e12, numeric: false) } == "1.5T")
    }

    static func write(_ body: (inout ByteWriter) -> Void) -> String {
        var bytes: [UInt8] = []
        bytes.appendWriting(maximum: 256, body)
        return String(decoding: bytes, as: UTF8.self)
    }
}

@Suite("JSON details")
struct JSONDetailTests {
    /// A number, or a bool as 0/1 (`delivery_rate_app_limited`).
    struct Number: Decodable, Equatable {
        var value: UInt64
        init(_ value: UInt64) { self.value = value }
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let flag = try? container.decode(Bool.self) { value = flag ? 1 : 0 } else { value = try container.decode(UInt64.self) }
        }
    }

    struct Object: Decodable {
        struct Memory: Decodable {
            var skmem: [String: UInt32]?
            var meminfo: [String: UInt32]?
        }
        var state: String
        var congestion: String?
        var tcp_info: [String: Number]?
        var memory: Memory?
        var bbr_info: [String: UInt64]?
        var shutdown: [String: Bool]?
        var cgroup_id: UInt64?
    }

    @Test("-e -m -i keys decode, with only the fields the socket has")
    func keys() throws {
        let sockets = try Fixtures.decode(Fixtures.bytes("ext-tcp4.bin"), transport: .tcp)
        var formatter = JSONFormatter()
        formatter.details = [.extended, .memory, .tcpInfo]
        var bytes: [UInt8] = []
        formatter.writeStart(to: &bytes)
        for socket in sockets { formatter.write(socket, to: &bytes) }
        formatter.writeEnd(to: &bytes)
        let objects = try JSONDecoder().decode([Object].self, from: Data(bytes))
        #expect(objects.count == sockets.count)
        for (object, socket) in zip(objects, sockets) {
            #expect(object.congestion == socket.congestion?.description)
            #expect(object.tcp_info?["snd_cwnd"] == socket.tcpInfo.map { Number(UInt64($0.sendCongestionWindow)) })
            #expect(object.tcp_info?["rcv_wnd"] == socket.tcpInfo?.receiveWindow.map { Number(UInt64($0)) })
            #expect(object.memory?.skmem?["rcvbuf"] == socket.memory?.counters?.receiveBuffer)
            #expect(object.memory?.meminfo?["rmem"] == socket.memory?.queues?.receive)
            #expect((object.shutdown == nil) == (socket.shutdown == nil))
            #expect(object.cgroup_id == socket.cgroupID)
        }
        #expect(objects.filter { $0.bbr_info != nil }.count == 1)
        #expect(objects.first { $0.state == "time-wait" }?.tcp_info == nil)
        #expect(objects.first { $0.state == "fin-wait-2" }?.shutdown == ["receive": false, "send": true])
        // A tcp_info of the 6.1 layout has no 6.2+ keys.
        let short = try Captures.rewrite(Fixtures.bytes("ext-tcp4.bin")) { type, payload in
            type == InetDiagParser.attributeInfo ? Array(payload.prefix(232)) : payload
        }
        var shortBytes: [UInt8] = []
        formatter = JSONFormatter()
        formatter.details = [.tcpInfo]
        for socket in try Fixtures.decode(short, transport: .tcp) { formatter.write(socket, to: &shortBytes) }
        let text = String(decoding: shortBytes, as: UTF8.self)
        #expect(text.contains("\"snd_wnd\":"))
        #expect(!text.contains("\"rcv_wnd\":"))
    }
}
