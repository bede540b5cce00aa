import SockDiagTestSupport
import Testing

@testable import SockDiag

/// Captures made with extension bits (Scripts/fixtures/make-extension-fixtures.sh), and hand-cut variants of them.
@Suite("Decoding extension attributes (tcp_info, congestion, memory, shutdown)")
struct ExtensionDecodingTests {
    static func tcp4() throws -> [Socket] {
        try Fixtures.decode(Fixtures.bytes("ext-tcp4.bin"), transport: .tcp)
    }

    @Test("full sockets carry tcp_info, the algorithm, memory and shutdown; TIME_WAIT carries none")
    func tcp4Attributes() throws {
        let sockets = try Self.tcp4()
        #expect(sockets.count == 11)
        for socket in sockets where socket.state == .timeWait {
            #expect(socket.tcpInfo == nil && socket.memory == nil && socket.congestion == nil && socket.shutdown == nil)
        }
        let full = sockets.filter { $0.state != .timeWait }
        #expect(full.count == 10)
        for socket in full {
            let info = try #require(socket.tcpInfo)
            #expect(info.length >= 232)
            #expect(info.state == socket.state.rawValue)
            if socket.state != .listen {
                #expect(info.pmtu >= 65535)
                #expect(info.advertisedMSS >= 65464)
            }
            #expect(info.sendCongestionWindow >= 10)
            // 6.18 sends the 6.2+ fields.
            #expect(info.receiveWindow != nil)
            let counters = try #require(socket.memory?.counters)
            #expect(counters.receiveBuffer == 131072)
            #expect(counters.drops != nil)
            #expect(socket.memory?.queues != nil)
            #expect(socket.shutdown != nil)
        }
        let algorithms = full.map { $0.congestion?.description ?? "none" }
        #expect(algorithms.filter { $0 == "bbr" }.count == 1)
        #expect(algorithms.filter { $0 == "cubic" }.count == 9)
        let bbr = try #require(full.first { $0.congestion?.description == "bbr" })
        guard case .bbr(let bandwidth, let minRTT, _, _) = bbr.congestionControlInfo else {
            Issue.record("no BBR info: \(String(describing: bbr.congestionControlInfo))")
            return
        }
        #expect(bandwidth > 0 && minRTT > 0)
        #expect(full.filter { $0.congestionControlInfo != nil }.count == 1)
        let established = full.filter { $0.state == .established }
        for socket in established {
            let info = try #require(socket.tcpInfo)
            #expect(info.options.contains([.timestamps, .sack, .windowScale]))
            #expect(info.sendWindowScale == 10 && info.receiveWindowScale == 10)
            #expect(info.rtt > 0)
        }
        #expect(full.first { $0.state == .finWait2 }?.shutdown == .send)
        #expect(full.first { $0.state == .closeWait }?.shutdown == .receive)
        #expect(full.first { $0.state == .listen }?.shutdown == [])
        let reader = try #require(full.first { $0.receiveQueue == 70000 })
        #expect(reader.tcpInfo?.bytesReceived == 100_000)
        #expect((reader.memory?.counters?.receiveAllocated ?? 0) > 70000)
    }

    @Test("UDP with the memory bits: counters and no tcp_info")
    func udpMemory() throws {
        let sockets = try Fixtures.decode(Fixtures.bytes("ext-udp4.bin"), transport: .udp)
        #expect(sockets.count == 2)
        for socket in sockets {
            #expect(socket.tcpInfo == nil)
            #expect(socket.memory?.counters != nil)
        }
        // SO_RCVBUF 65536 is doubled by the kernel.
        #expect(sockets.contains { $0.memory?.counters?.receiveBuffer == 131072 })
        // The connected socket sent one datagram to the bound one, which has not read it.
        #expect(sockets.contains { ($0.memory?.counters?.receiveAllocated ?? 0) > 0 })
    }

    @Test("a shorter tcp_info from an older kernel leaves the later fields nil", arguments: [232, 104, 160])
    func olderLayout(length: Int) throws {
        let bytes = try Captures.rewrite(Fixtures.bytes("ext-tcp4.bin")) { type, payload in
            type == InetDiagParser.attributeInfo ? Array(payload.prefix(length)) : payload
        }
        let original = try Self.tcp4()
        let sockets = try Fixtures.decode(bytes, transport: .tcp)
        #expect(sockets.count == original.count)
        for (socket, full) in zip(sockets, original) where full.tcpInfo != nil {
            let info = try #require(socket.tcpInfo)
            let fullInfo = try #require(full.tcpInfo)
            #expect(info.length == length)
            #expect(info.sendCongestionWindow == fullInfo.sendCongestionWindow)
            #expect(info.rtt == fullInfo.rtt)
            #expect(info.totalRetrans == fullInfo.totalRetrans)
            #expect(info.receiveWindow == nil)
            #expect(info.totalRTO == nil)
            #expect(info.receivedCE == nil)
            if length >= 232 {
                #expect(info.sendWindow == fullInfo.sendWindow)
                #expect(info.bytesSent == fullInfo.bytesSent)
            } else {
                #expect(info.sendWindow == nil)
                #expect(info.bytesSent == nil)
                #expect(info.delivered == nil)
            }
            if length >= 160 {
                #expect(info.minRTT == fullInfo.minRTT)
                #expect(info.pacingRate == fullInfo.pacingRate)
            } else {
                #expect(info.pacingRate == nil)
                #expect(info.segmentsOut == nil)
                #expect(info.minRTT == nil)
            }
            #expect(socket.congestion == full.congestion)
        }
    }

    @Test("a longer tcp_info from a newer kernel decodes the known fields")
    func newerLayout() throws {
        let bytes = try Captures.rewrite(Fixtures.bytes("ext-tcp4.bin")) { type, payload in
            type == InetDiagParser.attributeInfo ? payload + [UInt8](repeating: 0xAB, count: 40) : payload
        }
        let original = try Self.tcp4()
        let sockets = try Fixtures.decode(bytes, transport: .tcp)
        for (socket, full) in zip(sockets, original) where full.tcpInfo != nil {
            #expect(socket.tcpInfo?.sendWindow == full.tcpInfo?.sendWindow)
            #expect(socket.tcpInfo?.receiveWindow == full.tcpInfo?.receiveWindow)
        }
    }

    @Test("fewer SK_MEMINFO counters from an older kernel: backlog and drops are nil")
    func olderMemInfo() throws {
        let bytes = try Captures.rewrite(Fixtures.bytes("ext-tcp4.bin")) { type, payload in
            type == InetDiagParser.attributeSKMemInfo ? Array(payload.prefix(28)) : payload
        }
        let sockets = try Fixtures.decode(bytes, transport: .tcp)
        for socket in sockets where socket.state != .timeWait {
            let counters = try #require(socket.memory?.counters)
            #expect(counters.backlog == nil && counters.drops == nil)
            #expect(counters.receiveBuffer == 131072)
        }
    }

    /// Cuts or pads one attribute type's payload to `length` bytes.
    static let malformed: [(type: UInt16, length: Int)] = [
        (InetDiagParser.attributeInfo, 100),
        (InetDiagParser.attributeInfo, 0),
        (InetDiagParser.attributeSKMemInfo, 24),
        (InetDiagParser.attributeMemInfo, 12),
        (InetDiagParser.attributeShutdown, 0),
        (InetDiagParser.attributeBBRInfo, 16),
        (InetDiagParser.attributeCongestion, 17),
    ]

    @Test("extension attributes of impossible sizes are malformed messages", arguments: malformed)
    func malformedLengths(type: UInt16, length: Int) throws {
        let bytes = try Captures.rewrite(Fixtures.bytes("ext-tcp4.bin")) { attribute, payload in
            guard attribute == type else { return payload }
            if length <= payload.count { return Array(payload.prefix(length)) }
            return [UInt8](repeating: UInt8(ascii: "x"), count: length)
        }
        #expect(throws: SockDiagError.self) { try Fixtures.decode(bytes, transport: .tcp) }
        do {
            _ = try Fixtures.decode(bytes, transport: .tcp)
        } catch let error as SockDiagError {
            #expect(error.code == .malformedMessage)
        }
    }

    @Test("a kept socket keeps its attributes while the next ones are decoded (copy-on-write storage)")
    func keptSocketsAreIndependent() throws {
        var kept: [Socket] = []
        var seen: [UInt32?] = []
        try Fixtures.bytes("ext-tcp4.bin").withUnsafeBytes { raw in
            try SocketInspector.decode(capturedDump: raw, transport: .tcp) { socket in
                seen.append(socket.tcpInfo?.sendMSS)
                if kept.count < 3 { kept.append(socket) }
            }
        }
        #expect(kept.map { $0.tcpInfo?.sendMSS } == Array(seen.prefix(3)))
        var changed = kept[0]
        changed.tcpInfo = nil
        #expect(kept[0].tcpInfo?.sendMSS == seen[0])
        #expect(changed.tcpInfo == nil && changed != kept[0])
    }

    @Test("streaming reuses one details storage when no socket is kept")
    func streamingReusesStorage() throws {
        var identities = Set<ObjectIdentifier>()
        var withDetails = 0
        try Fixtures.bytes("ext-tcp4.bin").withUnsafeBytes { raw in
            try SocketInspector.decode(capturedDump: raw, transport: .tcp) { socket in
                if let storage = socket.details.storage {
                    identities.insert(ObjectIdentifier(storage))
                    withDetails += 1
                }
            }
        }
        #expect(withDetails == 10)
        #expect(identities.count == 1)
    }
}
