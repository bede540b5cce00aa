import SockDiagTestSupport
import Testing

@testable import SockDiag
@testable import SockDiagFormatting

#if canImport(Glibc)
import Glibc
#endif

/// Rates and shares at the edge of what `tcp_info` can hold: any user may set `SO_MAX_PACING_RATE` on a socket to
/// 2^61 bytes/s or more, which is 2^64 bits/s or more, and converting that `Double` to `UInt64` once trapped.
@Suite("Rates and percentages of any size, as printf prints them")
struct ExtremeRateTests {
    /// What glibc's `snprintf` writes for `format` and `value`: the reference ss itself uses.
    static func printf(_ format: String, _ value: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 512)
        _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, format, $0) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func write(_ body: (inout ByteWriter) -> Void) -> String {
        var bytes: [UInt8] = []
        bytes.appendWriting(maximum: 512, body)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Byte rates as the kernel reports them, then × 8 as ss prints them.
    static let byteRates: [UInt64] = [
        .max, .max - 1, 1 << 63, 1 << 61, (1 << 61) - 1, (1 << 61) + 1, 1 << 60, 123_456_789_012_345_678, 1,
        UInt64(UInt32.max) * UInt64(UInt32.max),
    ]

    @Test("ss's figures for SO_MAX_PACING_RATE 2^64 − 2 and 2^61 (ss -tni, ss -ti)")
    func ssFigures() {
        #expect(Self.write { $0.bitRate(Double(UInt64.max - 1) * 8, numeric: true) } == "147573952589676412928")
        #expect(Self.write { $0.bitRate(Double(UInt64.max - 1) * 8, numeric: false) } == "1.48e+08T")
        #expect(Self.write { $0.bitRate(Double(UInt64(1) << 61) * 8, numeric: true) } == "18446744073709551616")
        #expect(Self.write { $0.bitRate(Double(UInt64(1) << 61) * 8, numeric: false) } == "1.84e+07T")
    }

    @Test("bit rates from byte rates up to UInt64.max, -n and not", arguments: byteRates)
    func bitRates(bytesPerSecond: UInt64) {
        let bits = Double(bytesPerSecond) * 8
        #expect(Self.write { $0.bitRate(bits, numeric: true) } == Self.printf("%.0f", bits))
        let scaled = Self.write { $0.bitRate(bits, numeric: false) }
        if bits >= 1e12 { #expect(scaled == Self.printf("%.3g", bits / 1e12) + "T") }
    }

    @Test("%.0f, %.1f and %.3g of large and awkward values match glibc")
    func againstPrintf() {
        var generator = SeededGenerator(seed: 12)
        var values: [Double] = [
            0x1p52, 0x1p53, 0x1p63, 0x1p64, 0x1p64 - 2048, 0x1p67, 0x1p87, 0x1p100, 1e21, 1e22, 1.8e19, 9.5, 99.96,
            0.25, 1e300, .greatestFiniteMagnitude,
        ]
        for _ in 0..<2_000 {
            let exponent = Int.random(in: 0...300, using: &generator)
            values.append(Double(sign: .plus, exponent: exponent, significand: .random(in: 1..<2, using: &generator)))
        }
        for value in values {
            #expect(Self.write { $0.rounded(value) } == Self.printf("%.0f", value), "%.0f of \(value)")
            // Tenths are rounded from the exact fraction × 10, which can differ from printf's exact decimal
            // expansion only next to a tie (0.05 is 0.05000000000000000277…): leave those out.
            let tenths = (value - value.rounded(.towardZero)) * 10
            if abs(tenths - tenths.rounded(.towardZero) - 0.5) > 1e-6 {
                #expect(Self.write { $0.oneDecimal(value) } == Self.printf("%.1f", value), "%.1f of \(value)")
            }
            if value < 1e30 {
                let expected = Self.printf("%.3g", value)
                #expect(Self.write { $0.general(value, precision: 3) } == expected, "%.3g of \(value)")
            }
        }
    }

    @Test("a tcp_info of all ones (rates, counters, times) writes -i and -ni lines without trapping")
    func allOnes() throws {
        var socket = try #require(Fixtures.decode(Fixtures.bytes("ext-tcp4.bin"), transport: .tcp).first)
        let ones = [UInt8](repeating: 0xFF, count: TCPInfo.knownSize)
        var info = try #require(ones.withUnsafeBytes { TCPInfo(bytes: $0) })
        info.maxPacingRate = UInt64.max - 1
        info.pacingRate = 1 << 61
        socket.tcpInfo = info
        socket.congestionControlInfo = .bbr(bandwidth: .max, minRTT: .max, pacingGain: .max, congestionWindowGain: .max)
        var fastest = socket
        fastest.tcpInfo?.rtt = 1  // the largest send rate: cwnd × mss × 8 Mbit/s
        let all: OutputDetails = [.tcpInfo, .numericRates, .timer, .memory, .extended]
        let cases: [(Socket, OutputDetails)] = [
            (socket, [.tcpInfo, .numericRates, .timer]), (socket, [.tcpInfo]), (socket, [.tcpInfo, .memory, .extended]),
            (fastest, all),
        ]
        for (socket, details) in cases {
            var formatter = TableFormatter(families: [.inet, .inet6])
            formatter.details = details
            var bytes: [UInt8] = []
            formatter.write(socket, to: &bytes)
            let text = String(decoding: bytes, as: UTF8.self)
            // The second line is written into a reservation of maximumDetails bytes.
            let secondLine = try #require(text.split(separator: "\n").last)
            #expect(secondLine.utf8.count + 1 <= TableFormatter.maximumDetails, "\(secondLine.utf8.count)")
            if details == all {
                let send = Double(UInt32.max) * Double(UInt32.max) * 8_000_000
                #expect(text.contains(" send \(Self.printf("%.0f", send))bps "))
            }
            if details.contains(.numericRates) {
                #expect(text.contains(" pacing_rate 18446744073709551616bps/147573952589676412928bps "))
                #expect(text.contains(" delivery_rate 147573952589676412928bps "))
                #expect(text.contains("bbr:(bw:147573952589676412928bps,"))
                #expect(text.contains("ms(100.0%)"))
            } else {
                #expect(text.contains(" pacing_rate 1.84e+07Tbps/1.48e+08Tbps "))
            }
        }
        var json = JSONFormatter()
        json.details = [.tcpInfo]
        var bytes: [UInt8] = []
        json.write(socket, to: &bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("\"pacing_rate\":2305843009213693952"))
        #expect(text.contains("\"max_pacing_rate\":18446744073709551614"))
    }

    @Test("shares of busy time past 100% (a crafted tcp_info) keep every digit")
    func hugeShare() {
        let share = 100.0 * Double(UInt64.max) / 1
        #expect(Self.write { $0.oneDecimal(share) } == Self.printf("%.1f", share))
    }
}

@Suite("Kernel times at their limit")
struct ExtremeTimeTests {
    @Test("a TIME_WAIT expiry of UInt32.max ms (a crafted reply) rounds up to seconds without overflowing")
    func waitSentence() {
        let sentence = BindRemedy.waitForTimeWait(milliseconds: .max).sentence { _ in nil }
        #expect(sentence.hasPrefix("or wait 4294968 s"))
    }
}
