import Foundation
import Testing

@testable import SockDiag
import SockDiagFormatting

@Suite("Process column and key")
struct SocketOwnerFormattingTests {
    static let shared = [
        SocketOwner(command: "nginx", pid: 1234, fd: 6), SocketOwner(command: "nginx", pid: 1235, fd: 6),
    ]
    static var listener: Socket {
        Socket(
            transport: .tcp,
            family: .inet,
            state: .listen,
            local: Endpoint(address: .v4(.loopback), port: 8000),
            peer: Endpoint(address: .v4(.any), port: 0),
            sendQueue: 128,
            inode: 4471
        )
    }

    func table(_ rows: [(Socket, [SocketOwner])]) -> [String] {
        var formatter = TableFormatter(families: [.inet])
        var bytes: [UInt8] = []
        formatter.writeHeader(processColumn: true, to: &bytes)
        for (socket, owners) in rows { formatter.write(socket, owners: owners, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test("ss's users:((…)) after the peer column, under a Process header; inode 0 and none found say so")
    func tableColumn() {
        var unowned = Self.listener
        unowned.local.port = 8001
        var request = FormatterTests.timeWait
        request.state = .synRecv
        var orphan = FormatterTests.timeWait
        orphan.state = .finWait1
        let lines = table([
            (Self.listener, Self.shared), (FormatterTests.timeWait, []), (request, []), (orphan, []), (unowned, []),
        ])
        #expect(
            lines == [
                "Netid State      Recv-Q Send-Q   Local Address:Port     Peer Address:Port  Process",
                "tcp   LISTEN     0      128          127.0.0.1:8000          0.0.0.0:*     users:((\"nginx\",pid=1234,fd=6),(\"nginx\",pid=1235,fd=6))",
                "tcp   TIME-WAIT  0      0            127.0.0.1:8000        127.0.0.1:38602 (no process: time-wait)",
                "tcp   SYN-RECV   0      0            127.0.0.1:8000        127.0.0.1:38602 (no process: not accepted yet)",
                "tcp   FIN-WAIT-1 0      0            127.0.0.1:8000        127.0.0.1:38602 (no process: closed)",
                "tcp   LISTEN     0      128          127.0.0.1:8001          0.0.0.0:*     (no process found)",
            ]
        )
        // The column starts where the header says.
        let column = lines[0].range(of: "Process")!.lowerBound.utf16Offset(in: lines[0])
        for line in lines.dropFirst() {
            let start = line.index(line.startIndex, offsetBy: column)
            #expect(line[start...].hasPrefix("users:") || line[start...].hasPrefix("(no process"), "\(line)")
        }
    }

    @Test("without the column, the header is the plain one; control bytes in a name print as ?")
    func plainHeaderAndControlBytes() {
        var plain: [UInt8] = []
        var withFlag: [UInt8] = []
        let formatter = TableFormatter(families: [.inet])
        formatter.writeHeader(to: &plain)
        formatter.writeHeader(processColumn: false, to: &withFlag)
        #expect(plain == withFlag)
        let line = table([(Self.listener, [SocketOwner(command: "a\nb\"c", pid: 1, fd: 2)])])[1]
        #expect(line.hasSuffix("users:((\"a?b\"c\",pid=1,fd=2))"))
    }

    @Test("JSON: process is the owners, [] when none was found, null without an inode")
    func json() throws {
        var formatter = JSONFormatter()
        var bytes: [UInt8] = []
        formatter.writeStart(to: &bytes)
        formatter.write(Self.listener, owners: Self.shared, to: &bytes)
        formatter.write(Self.listener, owners: [], to: &bytes)
        formatter.write(FormatterTests.timeWait, owners: [], to: &bytes)
        formatter.write(Self.listener, owners: [SocketOwner(command: "a\"\\\u{1}", pid: 7, fd: 8)], to: &bytes)
        formatter.writeEnd(to: &bytes)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]])
        #expect(parsed.count == 4)
        let owners = try #require(parsed[0]["process"] as? [[String: Any]])
        #expect(owners.count == 2)
        #expect(owners[0]["command"] as? String == "nginx")
        #expect(owners[0]["pid"] as? Int == 1234)
        #expect(owners[1]["pid"] as? Int == 1235)
        #expect(owners[1]["fd"] as? Int == 6)
        #expect((parsed[1]["process"] as? [Any])?.isEmpty == true)
        #expect(parsed[2]["process"] is NSNull)
        #expect(parsed[2]["timer"] != nil, "the other keys are still there")
        #expect((parsed[3]["process"] as? [[String: Any]])?.first?["command"] as? String == "a\"\\\u{1}")
    }
}
