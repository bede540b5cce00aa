import Foundation
import Testing

@testable import SockDiag
@testable import SockDiagFormatting

/// UNIX rows with ss's `-p`, `-e` and `-m` additions, and text the kernel or a process chose made safe.
@Suite("UNIX details and safe text")
struct UnixDetailFormattingTests {
    static let listener = UnixSocket(
        type: .stream,
        state: .listen,
        receiveQueue: 1,
        sendQueue: 5,
        inode: 15_958_042,
        name: Array("/tmp/listen.sock".utf8),
        file: UnixSocketFile(inode: 16_245_937, device: 254 << 20),
        pendingPeers: [15_958_045],
        memory: SocketMemory.Counters(
            receiveAllocated: 0,
            receiveBuffer: 212_992,
            sendAllocated: 0,
            sendBuffer: 212_992,
            forwardAllocated: 0,
            sendQueued: 0,
            optionMemory: 0,
            backlog: 0,
            drops: 0
        ),
        shutdown: []
    )

    static func words(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
    }

    @Test("-p -m -e: the Process column, skmem, arrows, ino/dev as ss prints them and peers, in ss's order")
    func tableDetails() {
        var formatter = TableFormatter(families: [.inet])
        formatter.details = [.memory, .extended]
        var bytes: [UInt8] = []
        formatter.write(Self.listener, owners: [SocketOwner(command: "python3", pid: 22940, fd: 3)], to: &bytes)
        // What ss -xaemp printed for this socket.
        #expect(
            Self.words(bytes)
                == Self.words(
                    Array(
                        "u_str LISTEN 1 5 /tmp/listen.sock 15958042 * 0 users:((\"python3\",pid=22940,fd=3)) skmem:(r0,rb212992,t0,tb212992,f0,w0,o0,bl0,d0) <-> ino:16245937 dev:0/65024 peers: 15958045"
                            .utf8
                    )
                )
        )
        #expect(bytes.last == UInt8(ascii: "\n") && bytes.filter { $0 == UInt8(ascii: "\n") }.count == 1)
        var plain: [UInt8] = []
        TableFormatter(families: [.inet]).write(Self.listener, to: &plain)
        #expect(Self.words(plain) == ["u_str", "LISTEN", "1", "5", "/tmp/listen.sock", "15958042", "*", "0"])
    }

    @Test("JSON: shutdown, file, pending_peers, memory and process keys")
    func json() throws {
        var formatter = JSONFormatter()
        formatter.details = [.memory, .extended]
        var bytes: [UInt8] = []
        formatter.writeStart(to: &bytes)
        formatter.write(Self.listener, owners: [SocketOwner(command: "a\u{1b}b", pid: 1, fd: 3)], to: &bytes)
        formatter.write(UnixSocket(type: .datagram, state: .closed, inode: 9), to: &bytes)
        formatter.writeEnd(to: &bytes)
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]])
        let file = try #require(objects[0]["file"] as? [String: Any])
        #expect(file["inode"] as? Int == 16_245_937 && file["major"] as? Int == 254 && file["minor"] as? Int == 0)
        #expect(objects[0]["pending_peers"] as? [Int] == [15_958_045])
        #expect((objects[0]["shutdown"] as? [String: Bool]) == ["receive": false, "send": false])
        #expect(((objects[0]["memory"] as? [String: Any])?["skmem"] as? [String: Int])?["rcvbuf"] == 212_992)
        #expect((objects[0]["process"] as? [[String: Any]])?.first?["command"] as? String == "a\u{1b}b")
        #expect(objects[1]["file"] is NSNull && objects[1]["pending_peers"] is NSNull && objects[1]["memory"] is NSNull)
    }

    @Test("control characters, C1 and bytes that are not UTF-8 print as ?; UTF-8 stays")
    func terminalText() {
        func safe(_ bytes: [UInt8]) -> String {
            var out: [UInt8] = []
            out.appendSafe(bytes)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(safe(Array("a\u{1b}[2J\nb\u{7f}".utf8)) == "a?[2J?b?")
        #expect(safe(Array("café ✓ 𝄞".utf8)) == "café ✓ 𝄞")
        #expect(safe([0xC2, 0x9B, 0x41]) == "?A")  // U+009B, the C1 CSI
        #expect(safe([0xFF, 0xC3, 0x41, 0xE2, 0x82]) == "??A??")
        #expect(safe([0xED, 0xA0, 0x80]) == "???")  // a surrogate
        #expect(safe([0xE0, 0x80, 0x80]) == "???")  // overlong
    }

    @Test("a UNIX path with control characters is escaped in the table and valid JSON whatever its bytes")
    func escapedPath() throws {
        let socket = UnixSocket(
            type: .datagram,
            state: .closed,
            inode: 5,
            name: Array("/tmp/ctl\u{1b}[2J\n".utf8) + [0xFF, 0xC2, 0x9B] + Array(".sock".utf8)
        )
        var row: [UInt8] = []
        TableFormatter(families: [.inet]).write(socket, to: &row)
        #expect(Self.words(row)[4] == "/tmp/ctl?[2J??".appending("?.sock"))
        #expect(!row.contains(0x1B) && row.filter { $0 == UInt8(ascii: "\n") }.count == 1)
        var json: [UInt8] = []
        var formatter = JSONFormatter()
        formatter.writeStart(to: &json)
        formatter.write(socket, to: &json)
        formatter.writeEnd(to: &json)
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [[String: Any]])
        #expect(objects[0]["path"] as? String == "/tmp/ctl\u{1b}[2J\n\u{fffd}\u{9b}.sock")
        #expect(!json.contains(0x1B) && !json.contains(0x9B))
    }

    @Test("an established socket without an inode is in a listener's accept queue, not closed")
    func acceptQueue() {
        var queued = FormatterTests.timeWait
        queued.state = .established
        var peerClosed = queued
        peerClosed.state = .closeWait
        var bytes: [UInt8] = []
        var formatter = TableFormatter(families: [.inet])
        formatter.write(queued, owners: [], to: &bytes)
        formatter.write(peerClosed, owners: [], to: &bytes)
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        #expect(lines.allSatisfy { $0.hasSuffix(" (no process: in accept queue)") }, "\(lines)")
    }
}
