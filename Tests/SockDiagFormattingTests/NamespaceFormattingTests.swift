import Foundation
import Testing

@testable import SockDiag
import SockDiagFormatting

@Suite("Namespace labels in the output")
struct NamespaceFormattingTests {
    static let named = NetworkNamespace(
        id: .init(device: 4, inode: 4_026_532_301),
        name: "blue \"ns\"",
        path: "/var/run/netns/blue \"ns\""
    )
    static let unnamed = NetworkNamespace(
        id: .init(device: 4, inode: 4_026_531_840),
        path: "/proc/thread-self/ns/net",
        isCurrent: true
    )

    @Test("a namespace is labelled by its name, else net:[INODE] as the kernel spells the link")
    func labels() {
        #expect(Self.named.label == "blue \"ns\"")
        #expect(Self.unnamed.label == "net:[4026531840]")
        #expect(Self.unnamed.id.description == "net:[4026531840]")
    }

    @Test("with a namespace set, every JSON object starts with a netns key, and the array stays valid JSON")
    func jsonKey() throws {
        var formatter = JSONFormatter()
        var bytes: [UInt8] = []
        formatter.writeStart(to: &bytes)
        formatter.namespace = Self.named
        formatter.write(FormatterTests.timeWait, to: &bytes)
        formatter.namespace = Self.unnamed
        formatter.write(FormatterTests.dualStackListener, to: &bytes)
        formatter.namespace = nil
        formatter.write(FormatterTests.timeWait, to: &bytes)
        formatter.writeEnd(to: &bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(
            lines[1].hasPrefix(#"{"netns":{"inode":4026532301,"name":"blue \"ns\"","current":false},"protocol":"tcp","#)
        )
        #expect(lines[2].hasPrefix(#"{"netns":{"inode":4026531840,"name":null,"current":true},"protocol":"tcp","#))
        #expect(lines[3].hasPrefix(#"{"protocol":"tcp","#))
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]])
        #expect(objects.count == 3)
        #expect((objects[0]["netns"] as? [String: Any])?["name"] as? String == "blue \"ns\"")
        #expect(objects[1]["netns"] is [String: Any])
        #expect(objects[2]["netns"] == nil)
    }

    @Test("UNIX socket objects get the netns key too")
    func unixKey() throws {
        var formatter = JSONFormatter()
        formatter.namespace = Self.unnamed
        var bytes: [UInt8] = []
        formatter.writeStart(to: &bytes)
        formatter.write(
            UnixSocket(type: .stream, state: .listen, inode: 7, name: Array("/run/x.sock".utf8)),
            to: &bytes
        )
        formatter.writeEnd(to: &bytes)
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]])
        #expect((objects.first?["netns"] as? [String: Any])?["inode"] as? Int == 4_026_531_840)
        #expect(objects.first?["protocol"] as? String == "unix")
    }
}
