import Foundation
import SockDiag
import SockDiagTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// `SocketInspector.readAhead`: a dump behind a closed `DumpReadAhead` keeps its first replies until the gate
    /// opens, then hands over exactly what a plain dump does, and leaves the inspector ready for the next query
    /// whatever happens to the kept replies.
    @Suite(.enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"))
    struct ReadAhead {
        static let everyTCPSocket = SocketQuery(protocols: [.tcp], states: .all)
        /// Listeners enough for several 32 KiB datagrams of replies.
        static let listeners = 1200

        /// A namespace with ``listeners`` TCP listeners on 127.0.0.1 (held by the returned descriptors), and an
        /// inspector in it.
        static func populated() throws -> (TestNamespace, [Int32], SocketInspector) {
            let namespace = try TestNamespace()
            do {
                let descriptors = try namespace.onThread {
                    try (0..<Self.listeners).map { index in
                        try LoopbackSockets.tcpListener(SocketAddress("127.0.0.1", UInt16(20_000 + index)))
                    }
                }
                return (namespace, descriptors, try namespace.inspector())
            } catch {
                namespace.remove()
                throw error
            }
        }

        /// The local ports of `inspector`'s TCP sockets, in dump order.
        static func ports(_ inspector: SocketInspector) throws -> [UInt16] {
            try inspector.sockets(matching: everyTCPSocket).map(\.local.port)
        }

        /// Opens `gate` after `milliseconds` on a thread of its own; returns when it was opened (monotonic ns).
        static func open(_ gate: DumpReadAhead, after milliseconds: Int) -> Thread {
            let thread = Thread {
                usleep(useconds_t(milliseconds * 1000))
                gate.open()
            }
            thread.start()
            return thread
        }

        static func now() -> UInt64 {
            var time = timespec()
            clock_gettime(CLOCK_MONOTONIC, &time)
            return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
        }

        @Test(
            "behind a closed gate, no socket is handed over before it opens, then every one in the kernel's order",
            arguments: [0, 40_000, 4 << 20]
        )
        func sameSocketsAfterTheGateOpens(limit: Int) throws {
            let (namespace, descriptors, inspector) = try Self.populated()
            defer { namespace.remove() }
            defer { LoopbackSockets.closeAll(descriptors) }
            let plain = try Self.ports(inspector)
            #expect(plain.count == Self.listeners)

            let gate = DumpReadAhead(limit: limit)
            inspector.readAhead = gate
            let started = Self.now()
            _ = Self.open(gate, after: 150)
            var first: UInt64 = 0
            var ports: [UInt16] = []
            try inspector.forEachSocket(matching: Self.everyTCPSocket) { socket in
                if first == 0 { first = Self.now() }
                ports.append(socket.local.port)
            }
            #expect(gate.isOpen)
            #expect(first - started >= 140_000_000, "the first socket came \((first - started) / 1_000_000) ms in")
            #expect(ports == plain, "limit \(limit)")

            // An open gate changes nothing.
            #expect(try Self.ports(inspector) == plain)
            inspector.readAhead = nil
            #expect(try Self.ports(inspector) == plain)
        }

        @Test("a caller that stops on kept replies leaves the inspector ready for the next dump", arguments: [40_000, 4 << 20])
        func stopOnKeptReplies(limit: Int) throws {
            let (namespace, descriptors, inspector) = try Self.populated()
            defer { namespace.remove() }
            defer { LoopbackSockets.closeAll(descriptors) }
            let plain = try Self.ports(inspector)

            struct Stop: Error {}
            let gate = DumpReadAhead(limit: limit)
            inspector.readAhead = gate
            _ = Self.open(gate, after: 50)
            // On a thread of its own: reading past the dump's end would block in recv() for good.
            let outcome = Mutex<(seen: Int, stopped: Bool, after: [UInt16]?)>((0, false, nil))
            let finished = DispatchSemaphore(value: 0)
            Thread {
                defer { finished.signal() }
                do {
                    try inspector.forEachSocket(matching: Self.everyTCPSocket) { _ in
                        let seen = outcome.withLock { $0.seen += 1; return $0.seen }
                        if seen == 3 { throw Stop() }
                    }
                } catch is Stop {
                    outcome.withLock { $0.stopped = true }
                } catch {}
                inspector.readAhead = nil
                let after = try? Self.ports(inspector)
                outcome.withLock { $0.after = after }
            }.start()
            try #require(finished.wait(timeout: .now() + 20) == .success, "the stopped dump or the next one hung")
            let result = outcome.withLock { $0 }
            #expect(result.seen == 3)
            #expect(result.stopped)
            #expect(result.after == plain, "the rest of the stopped dump was read and dropped")
        }
    }
}
