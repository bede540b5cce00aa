import SockDiagTestSupport
import Testing

@testable import SockDiag

/// A real UNIX_DIAG dump (Scripts/fixtures/capture-unix-fixture.py) and what `ss -xaH` printed at the same moment.
@Suite("UNIX_DIAG replies")
struct UnixDecodingTests {
    @Test("types, names, peers and queues decode as the kernel sent them")
    func models() throws {
        let sockets = try Fixtures.decodeUnix(Fixtures.bytes("unix-all.bin"))
        let listener = try #require(sockets.first { $0.state == .listen && $0.type == .stream })
        #expect(listener.path?.hasSuffix("/listen.sock") == true)
        #expect(!listener.isAbstract)
        #expect(listener.name.last != 0)
        #expect(listener.receiveQueue == 1 && listener.sendQueue == 5)
        let abstract = try #require(sockets.first { $0.type == .datagram && !$0.name.isEmpty })
        #expect(abstract.isAbstract)
        #expect(abstract.name == [0] + Array("sockdiag".utf8) + [0] + Array("fixture".utf8))
        let pair = sockets.filter { $0.type == .stream && $0.state == .established && $0.peerInode != 0 }
        #expect(pair.count == 2)
        if pair.count == 2 {
            #expect(pair[0].peerInode == pair[1].inode && pair[1].peerInode == pair[0].inode)
            #expect(pair.contains { $0.receiveQueue == 5 })
        }
        #expect(sockets.contains { $0.type == .seqPacket && $0.state == .listen && $0.path == "sockdiag-seq" })
        #expect(sockets.contains { $0.type == .datagram && $0.name.isEmpty && $0.path == nil })
    }

    @Test("every truncation of the capture is malformedMessage, never a crash or a partial answer")
    func everyTruncation() throws {
        let bytes = try Fixtures.bytes("unix-all.bin")
        for length in 0..<bytes.count {
            do {
                _ = try Fixtures.decodeUnix(Array(bytes[..<length]))
                Issue.record("cut at \(length) decoded")
            } catch let error as SockDiagError {
                #expect(error.code == .malformedMessage, "cut at \(length)")
            }
        }
    }

    @Test("short messages and short peer or queue attributes are rejected")
    func shortParts() {
        func parse(_ bytes: [UInt8]) -> SockDiagError.Code? {
            do {
                _ = try bytes.withUnsafeBytes { try UnixDiagParser.parse($0) }
                return nil
            } catch let error as SockDiagError {
                return error.code
            } catch {
                return nil
            }
        }
        let message: [UInt8] = [1, 1, 10, 0, 7, 0, 0, 0] + [UInt8](repeating: 0, count: 8)
        #expect(parse(message) == nil)
        #expect(parse(Array(message.dropLast())) == .malformedMessage)
        #expect(parse([2] + message.dropFirst()) == .malformedMessage)
        #expect(parse(message + [6, 0, 2, 0, 1, 0, 0, 0]) == .malformedMessage)  // UNIX_DIAG_PEER of 2 bytes
        #expect(parse(message + [8, 0, 4, 0, 1, 0, 0, 0]) == .malformedMessage)  // UNIX_DIAG_RQLEN of 4 bytes
        #expect(parse(message + [12, 0, 4, 0, 1, 0, 0, 0]) == .malformedMessage)  // runs past the end
    }

    @Test("an NLMSG_DONE carrying an error (no handler) is that error, not an empty dump")
    func doneWithError() {
        // nlmsghdr: len 20, NLMSG_DONE, NLM_F_MULTI, seq 0, pid 0; payload: -ENOENT.
        let done: [UInt8] = [20, 0, 0, 0, 3, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF]
        do {
            _ = try Fixtures.decodeUnix(done)
            Issue.record("decoded")
        } catch let error as SockDiagError {
            #expect(error.code == .moduleNotLoaded)
        } catch {
            Issue.record("\(error)")
        }
    }
}

@Suite("Raw sockets")
struct RawSocketTests {
    static let icmp = Fixtures.icmpSocket

    @Test("the IP protocol is the local port")
    func ipProtocol() {
        #expect(Self.icmp.ipProtocol == 1)
        var udp = Self.icmp
        udp.transport = .udp
        #expect(udp.ipProtocol == nil)
    }

    @Test("/proc/net/raw lines decode as raw sockets")
    func proc() throws {
        let text = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
              1: 00000000:0001 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4134746 2 0000000000000000 0

            """
        var sockets: [Socket] = []
        try Array(text.utf8).withUnsafeBytes { raw in
            try ProcSocketReader.decode(capturedTable: raw, transport: .raw, family: .inet) { sockets.append($0) }
        }
        #expect(sockets.count == 1)
        #expect(sockets.first?.ipProtocol == 1 && sockets.first?.state == .closed && sockets.first?.inode == 4_134_746)
    }
}
