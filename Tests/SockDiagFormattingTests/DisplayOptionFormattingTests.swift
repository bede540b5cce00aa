import SockDiag
import Testing

@testable import SockDiagFormatting

/// `--tos`, `--cgroup`, `--inet-sockopt`, `-O`, `-Q`, `-r` and `-T` in the table and JSON, on hand-made sockets.
@Suite("The display options' table and JSON text")
struct DisplayOptionFormattingTests {
    static func socket() -> Socket {
        var socket = Socket(
            transport: .tcp, family: .inet6, state: .established,
            local: Endpoint(address: .v6(.loopback), port: 80), peer: Endpoint(address: .v6(.loopback), port: 40000),
            inode: 7, cookie: 0x2a, cgroupID: 0
        )
        socket.typeOfService = TypeOfService(tos: 0, trafficClass: 0x20, classID: 6)
        socket.inetOptions = [.connectionSocket, .multicastLoop, .deferConnect]
        return socket
    }

    static func table(_ details: OutputDetails, owners: [SocketOwner]? = nil, names: EndpointNames? = nil) -> String {
        var formatter = TableFormatter(families: [.inet6])
        formatter.details = details
        formatter.cgroupPath = { _ in Array("/".utf8) }
        formatter.names = names
        var bytes: [UInt8] = []
        if let owners { formatter.write(socket(), owners: owners, to: &bytes) } else { formatter.write(socket(), to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("--tos in C's %#x (0 without 0x), --cgroup with the root's path, --inet-sockopt on its own line")
    func tosCgroupSockopt() {
        let text = Self.table([.typeOfService, .cgroup, .inetSocketOptions])
        #expect(text.hasSuffix(" tos:0 tclass:0x20 class_id:0x6 cgroup:/\n\tinet-sockopt: ( is_icsk mc_loop defer_connect)\n"))
        // -e leaves a root cgroup (id 0 here) out; --cgroup does not.
        #expect(!Self.table([.extended]).contains("cgroup:"))
    }

    @Test("-O keeps --inet-sockopt and -m on the row's line")
    func oneLine() {
        let text = Self.table([.inetSocketOptions, .memory, .oneLine])
        #expect(text.split(separator: "\n").count == 1)
        #expect(text.contains(" inet-sockopt: ( is_icsk mc_loop defer_connect)"))
    }

    @Test("-Q leaves out the queue columns in the header and the row")
    func noQueues() {
        var formatter = TableFormatter(families: [.inet6])
        formatter.details = [.noQueues]
        var header: [UInt8] = []
        formatter.writeHeader(processColumn: true, to: &header)
        let line = String(decoding: header, as: UTF8.self)
        #expect(!line.contains("Recv-Q") && !line.contains("Send-Q"))
        let row = Self.table([.noQueues]).split(separator: " ")
        #expect(row.prefix(3) == ["tcp", "ESTAB", "[::1]:http"] || row.prefix(3) == ["tcp", "ESTAB", "[::1]:80"])
    }

    @Test("-r writes the names it is given, -T the tid")
    func namesAndThreads() {
        let names = EndpointNames(host: { _ in Array("ip6-localhost".utf8) }, service: { port, _ in
            port == 80 ? Array("http".utf8) : nil
        })
        let owners = [SocketOwner(command: "srv", pid: 10, fd: 3, tid: 10), SocketOwner(command: "w", pid: 10, fd: 3, tid: 11)]
        let text = Self.table([], owners: owners, names: names)
        let fields = text.split(whereSeparator: \.isWhitespace)
        #expect(fields == ["tcp", "ESTAB", "0", "0", "ip6-localhost:http", "ip6-localhost:40000",
            "users:((\"srv\",pid=10,tid=10,fd=3),(\"w\",pid=10,tid=11,fd=3))"])
    }

    @Test("JSON: tos, tclass, class_id, cgroup_id, inet_sockopt and the owners' tid")
    func json() {
        var formatter = JSONFormatter()
        formatter.details = [.typeOfService, .cgroup, .inetSocketOptions]
        var bytes: [UInt8] = []
        formatter.write(Self.socket(), owners: [SocketOwner(command: "srv", pid: 10, fd: 3, tid: 11)], to: &bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#","tos":0,"tclass":32,"class_id":6,"cgroup_id":0,"inet_sockopt":["is_icsk","mc_loop","defer_connect"]"#))
        #expect(text.contains(#"{"command":"srv","pid":10,"tid":11,"fd":3}"#))
    }

    @Test("-i: tcp_info fields ss 6.1 does not know, after snd_wnd, each only when not zero")
    func newerTCPInfo() throws {
        var raw = [UInt8](repeating: 0, count: 280)
        func put32(_ value: UInt32, at offset: Int) {
            withUnsafeBytes(of: value.littleEndian) { for (index, byte) in $0.enumerated() { raw[offset + index] = byte } }
        }
        put32(65536, at: 228)  // snd_wnd
        put32(131072, at: 232)  // rcv_wnd
        raw[240] = 3  // total_rto (u16)
        put32(250, at: 244)  // total_rto_time
        let info = try #require(raw.withUnsafeBytes { TCPInfo(bytes: $0) })
        var socket = Self.socket()
        socket.tcpInfo = info
        var formatter = TableFormatter(families: [.inet6])
        formatter.details = [.tcpInfo]
        var bytes: [UInt8] = []
        formatter.write(socket, to: &bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(" snd_wnd:65536 rcv_wnd:131072 total_rto:3 total_rto_time:250\n"), "\(text)")
        #expect(!text.contains("total_rto_recoveries") && !text.contains("received_ce"))
    }
}
