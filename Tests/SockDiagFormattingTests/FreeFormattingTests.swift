import Foundation
import SockDiag
import SockDiagFormatting
import Testing

/// `sockdiag free`'s words: each refusal says why and what to do instead; the plan's text and JSON agree.
@Suite("free: the plan's words")
struct FreeFormattingTests {
    static let target = BindTarget(transport: .tcp, address: .v4(.any), port: 8000)
    static let dockerID = String(repeating: "ab12", count: 16)

    @Test("each refusal names what to do instead", arguments: [
        (FreeRefusal.Reason.initProcess(unit: "httpd.socket"), "init-process", "systemctl stop httpd.socket"),
        (.initProcess(unit: nil), "init-process", "systemctl list-sockets | grep :8000"),
        (.ancestor, "ancestor", "end it yourself"),
        (.dockerProxy(container: "172.17.0.2:80"), "docker-proxy", "docker ps --filter publish=8000"),
        (.container(ContainerReference(runtime: "docker", id: dockerID)), "container", "docker stop ab12ab12ab12"),
        (.container(ContainerReference(runtime: "lxc", id: "web")), "container", "lxc-stop -n web"),
        (.otherUser(uid: 0), "other-user", "sudo sockdiag free"),
        (.sharesSocket(with: 1), "shares-socket", "pid 1"),
        (.ownerNotFound(scanComplete: false), "owner-not-found", "run as root"),
    ])
    func instead(reason: FreeRefusal.Reason, name: String, words: String) {
        #expect(reason.name == name)
        #expect(reason.instead(for: Self.target).contains(words))
        #expect(!reason.sentence.isEmpty)
    }

    @Test("another user's process names whose it is; docker-proxy names the container's address")
    func sentences() {
        #expect(FreeRefusal.Reason.otherUser(uid: 0).sentence.contains("root (uid 0)"))
        #expect(FreeRefusal.Reason.dockerProxy(container: "172.17.0.2:80").sentence.contains("172.17.0.2:80"))
    }

    @Test("the plan as text and as JSON carry the same processes and reasons")
    func textAndJSONAgree() throws {
        let listener = Socket(
            transport: .tcp, family: .inet, state: .listen, local: Endpoint(address: .v4(.any), port: 8000),
            peer: Endpoint(address: .v4(.any), port: 0), inode: 77
        )
        let worker = ProcessFacts(pid: 4242, command: "gunicorn", startTime: 9, realUID: 0)
        let init1 = ProcessFacts(pid: 1, command: "systemd", realUID: 0)
        let plan = FreePlan(
            target: Self.target,
            signal: [.init(process: worker, sockets: [listener])],
            refusals: [FreeRefusal(process: init1, reason: .initProcess(unit: "web.socket"), sockets: [listener])]
        )
        var text: [UInt8] = []
        FreeReportFormatter.writePlanText(plan, to: &text)
        let shown = String(decoding: text, as: UTF8.self)
        #expect(shown.contains("send SIGTERM to (1 process):\n  gunicorn (pid 4242, "))
        #expect(shown.contains("systemd (pid 1, "))
        #expect(shown.contains("instead: stop the socket unit: systemctl stop web.socket"))
        var json: [UInt8] = []
        FreeReportFormatter.writeJSON(plan: plan, outcome: nil, dryRun: true, evidenceCommand: "x", to: &json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        let planned = try #require(object["plan"] as? [String: Any])
        let signal = try #require((planned["signal"] as? [[String: Any]])?.first)
        #expect(signal["pid"] as? Int == 4242 && signal["sockets"] as? [Int] == [77])
        let refusal = try #require((planned["leave_alone"] as? [[String: Any]])?.first)
        #expect(refusal["pid"] as? Int == 1 && refusal["reason"] as? String == "init-process")
        #expect((refusal["instead"] as? String).map(shown.contains) == true)
        #expect(object["done"] is NSNull && object["freed"] as? Bool == false)
    }
}
