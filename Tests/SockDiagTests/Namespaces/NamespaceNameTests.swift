import Testing

@testable import SockDiag

@Suite("Namespace names: under /var/run/netns, or /proc/PID/ns/net")
struct NamespaceNameTests {
    static let refused = [
        "../../etc", "..", ".", "", "a/b", "/etc/passwd", "/var/run/netns/../x", "/var/run/netns/",
        "/proc/1/ns/mnt", "/proc/x1/ns/net", "/proc//ns/net", "/run/../etc/ns/net", "relative/proc/1/ns/net",
    ]

    @Test("a name that leaves those places is refused before any file is touched", arguments: refused)
    func refusedName(name: String) {
        let message =
            "no network namespace '\(name)': give a name under /var/run/netns (see `ip netns list`) or /proc/PID/ns/net"
        for attempt in [{ _ = try NetworkNamespace.find(named: name) }, { try NetworkNamespace.enter(named: name) }] {
            #expect {
                try attempt()
            } throws: { error in
                (error as? SockDiagError)?.code == .namespaceNotFound && (error as? SockDiagError)?.message == message
            }
        }
    }

    static let accepted: [(name: String, path: String)] = [
        ("blue", "/var/run/netns/blue"), ("..blue", "/var/run/netns/..blue"),
        ("/var/run/netns/blue", "/var/run/netns/blue"), ("/proc/1234/ns/net", "/proc/1234/ns/net"),
        ("/proc/self/ns/net", "/proc/self/ns/net"), ("/proc/thread-self/ns/net", "/proc/thread-self/ns/net"),
    ]

    @Test("names and the two kinds of path lead where they say", arguments: accepted)
    func acceptedName(name: String, path: String) throws {
        #expect(try NamespaceFile.path(named: name) == path)
    }

    @Test("the caller's own namespace by path is found, without a name")
    func ownNamespace() throws {
        let namespace = try NetworkNamespace.find(named: "/proc/thread-self/ns/net")
        #expect(namespace.name == nil)
        #expect(namespace.id == (try NetworkNamespace.callersNamespace(procRoot: "/proc")))
    }
}
