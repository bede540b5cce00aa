import Foundation
import SockDiagTestSupport
import Testing

@testable import SockDiag
import SockDiagFormatting

@Suite("Table and JSON output")
struct FormatterTests {
    static let timeWait = Socket(
        transport: .tcp,
        family: .inet,
        state: .timeWait,
        local: Endpoint(address: .v4(.loopback), port: 8000),
        peer: Endpoint(address: .v4(.loopback), port: 38602),
        cookie: 0x2C5F,
        timer: SocketTimer(kind: .timeWait, expiresMilliseconds: 59_000, retransmits: 0)
    )
    static let dualStackListener = Socket(
        transport: .tcp,
        family: .inet6,
        state: .listen,
        local: Endpoint(address: .v6(.any), port: 8002),
        peer: Endpoint(address: .v6(.any), port: 0),
        sendQueue: 128,
        uid: 1000,
        inode: 4471,
        interfaceIndex: 1,
        v6Only: false
    )

    func table(_ sockets: [Socket], families: [AddressFamily] = [.inet]) -> [String] {
        var formatter = TableFormatter(families: families)
        var bytes: [UInt8] = []
        formatter.writeHeader(to: &bytes)
        for socket in sockets { formatter.write(socket, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test("table rows use ss's columns, words and alignment on the colon")
    func tableRows() {
        let lines = table([Self.timeWait])
        #expect(lines == [
            "Netid State      Recv-Q Send-Q   Local Address:Port     Peer Address:Port",
            "tcp   TIME-WAIT  0      0            127.0.0.1:8000        127.0.0.1:38602",
        ])
        // The colons after the local and the peer address line up with the header's.
        func colons(_ line: String) -> [Int] { line.utf8.indices.filter { line.utf8[$0] == UInt8(ascii: ":") }.map { $0.utf16Offset(in: line) } }
        #expect(colons(lines[0]) == colons(lines[1]))
        #expect(colons(lines[0]).count == 2)
    }

    @Test("the IPv6 wildcard of a dual-stack socket prints as *, a bound device as %name")
    func tableIPv6() {
        let lines = table([Self.dualStackListener], families: [.inet, .inet6])
        let fields = lines[1].split(separator: " ")
        #expect(fields.map(String.init) == ["tcp", "LISTEN", "0", "128", "*%lo:8002", "*:*"])
        var v6only = Self.dualStackListener
        v6only.v6Only = true
        v6only.interfaceIndex = 0
        #expect(table([v6only], families: [.inet6])[1].split(separator: " ").suffix(2).map(String.init) == ["[::]:8002", "[::]:*"])
    }

    @Test("JSON is one valid array whose elements carry the documented keys")
    func json() throws {
        var formatter = JSONFormatter()
        var bytes: [UInt8] = []
        formatter.writeStart(to: &bytes)
        formatter.write(Self.timeWait, to: &bytes)
        formatter.write(Self.dualStackListener, to: &bytes)
        formatter.writeEnd(to: &bytes)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]])
        #expect(parsed.count == 2)
        let first = parsed[0]
        #expect(first["protocol"] as? String == "tcp")
        #expect(first["family"] as? String == "inet")
        #expect(first["state"] as? String == "time-wait")
        #expect((first["local"] as? [String: Any])?["address"] as? String == "127.0.0.1")
        #expect((first["local"] as? [String: Any])?["port"] as? Int == 8000)
        #expect((first["peer"] as? [String: Any])?["port"] as? Int == 38602)
        #expect(first["recv_q"] as? Int == 0)
        #expect(first["send_q"] as? Int == 0)
        #expect(first["uid"] as? Int == 0)
        #expect(first["inode"] as? Int == 0)
        #expect(first["cookie"] as? String == "2c5f")
        #expect(first["interface"] is NSNull)
        #expect((first["timer"] as? [String: Any])?["kind"] as? String == "timewait")
        #expect((first["timer"] as? [String: Any])?["expires_ms"] as? Int == 59_000)
        let second = parsed[1]
        #expect(second["state"] as? String == "listening")
        #expect(second["family"] as? String == "inet6")
        #expect((second["local"] as? [String: Any])?["address"] as? String == "::")
        #expect(second["v6only"] as? Bool == false)
        #expect(second["interface"] as? String == "lo")
        #expect(second["uid"] as? Int == 1000)
    }

    @Test("an empty result is an empty array")
    func emptyJSON() throws {
        let formatter = JSONFormatter()
        var bytes: [UInt8] = []
        formatter.writeStart(to: &bytes)
        formatter.writeEnd(to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "[]\n")
    }

    @Test("the captured sockets format to the addresses ss printed")
    func capturedTable() throws {
        let sockets = try Fixtures.allSockets()
        let ours = table(sockets, families: [.inet, .inet6]).dropFirst().map { $0.split(separator: " ").map(String.init) }
        let theirs = try Fixtures.text("ss-tuanH.txt").split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(ours == theirs)
    }
}
