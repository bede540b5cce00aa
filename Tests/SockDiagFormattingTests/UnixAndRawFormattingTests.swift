import SockDiagFormatting
import SockDiagTestSupport
import Testing

@testable import SockDiag

/// UNIX sockets decoded from a real UNIX_DIAG dump (Scripts/fixtures/capture-unix-fixture.py), written as ss's rows
/// and as JSON, against what `ss -xaH` printed at the same moment.
@Suite("UNIX rows")
struct UnixFormattingTests {
    static func words(_ line: String) -> [String] {
        line.split(separator: " ").map(String.init)
    }

    @Test("the table agrees with ss -xaH, row by row")
    func tableMatchesSS() throws {
        let sockets = try Fixtures.decodeUnix(Fixtures.bytes("unix-all.bin"))
        let theirs = try Fixtures.text("unix-all.ss-xaH.txt").split(separator: "\n")
        #expect(sockets.count == theirs.count)
        let formatter = TableFormatter(families: [.inet])
        for (socket, line) in zip(sockets, theirs) {
            var bytes: [UInt8] = []
            formatter.write(socket, to: &bytes)
            let ours = String(String(decoding: bytes, as: UTF8.self).dropLast())
            #expect(Self.words(ours) == Self.words(String(line)), "\(ours) vs \(line)")
        }
    }

    @Test("JSON objects carry the documented keys")
    func json() throws {
        let sockets = try Fixtures.decodeUnix(Fixtures.bytes("unix-all.bin"))
        let abstract = try #require(sockets.first { $0.type == .datagram && !$0.name.isEmpty })
        var formatter = JSONFormatter()
        var bytes: [UInt8] = []
        formatter.writeStart(to: &bytes)
        formatter.write(abstract, to: &bytes)
        formatter.writeEnd(to: &bytes)
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == "[\n{\"protocol\":\"unix\",\"type\":\"dgram\",\"state\":\"closed\",\"path\":\"sockdiag\\u0000fixture\",\"abstract\":true,\"inode\":\(abstract.inode),\"peer_inode\":0,\"recv_q\":0,\"send_q\":0}\n]\n"
        )
    }
}

@Suite("Raw rows")
struct RawFormattingTests {
    static let icmp = Fixtures.icmpSocket

    @Test("the IP protocol is the local port; its row is ss's raw UNCONN 0 0 0.0.0.0:1 0.0.0.0:*")
    func table() {
        var formatter = TableFormatter(families: [.inet])
        var bytes: [UInt8] = []
        formatter.write(RawFormattingTests.icmp, to: &bytes)
        #expect(
            UnixFormattingTests.words(String(String(decoding: bytes, as: UTF8.self).dropLast())) == [
                "raw", "UNCONN", "0", "0", "0.0.0.0:1", "0.0.0.0:*",
            ]
        )
    }

    @Test("JSON names the protocol raw and adds ip_protocol")
    func json() {
        var formatter = JSONFormatter()
        var bytes: [UInt8] = []
        formatter.write(RawFormattingTests.icmp, to: &bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("\n{\"protocol\":\"raw\",\"ip_protocol\":1,\"family\":\"inet\",\"state\":\"closed\""))
    }
}
