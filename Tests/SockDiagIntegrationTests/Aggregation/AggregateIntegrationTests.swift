import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// `SocketAggregator` on a live dump of a namespace whose every socket the test made.
    @Suite(.enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"))
    struct Aggregate {
        @Test("counts, TIME_WAIT per port and accept queues are what the namespace holds")
        func live() throws {
            let populated = try QueuedPopulation()
            defer { populated.remove() }
            let population = populated.population
            let inspector = try populated.namespace.inspector()
            let aggregate = try inspector.aggregate(topPorts: 10)

            // Expected counts from the population as made, independent of the library, plus the 8100 sockets.
            struct Key: Hashable { var transport: String, family: String, state: UInt8 }
            var expected: [Key: Int] = [:]
            for socket in population.expected {
                expected[
                    Key(transport: socket.transport, family: socket.family, state: socket.state.rawValue),
                    default: 0
                ] += 1
            }
            expected[Key(transport: "tcp", family: "inet", state: KernelState.listen.rawValue), default: 0] += 1
            // Three clients and three unaccepted server ends.
            expected[Key(transport: "tcp", family: "inet", state: KernelState.established.rawValue), default: 0] += 6
            for (key, count) in expected {
                let transport: TransportProtocol = key.transport == "tcp" ? .tcp : .udp
                let family: AddressFamily = key.family == "inet" ? .inet : .inet6
                #expect(aggregate.counts[transport, family, SocketState(rawValue: key.state)] == count, "\(key)")
            }
            #expect(aggregate.counts.total() == expected.values.reduce(0, +))
            #expect(aggregate.socketsSeen == expected.values.reduce(0, +))

            #expect(aggregate.timeWaitPorts[8000] == Population.serverTimeWaitCount)
            #expect(aggregate.timeWaitPorts.total == Population.serverTimeWaitCount + Population.clientTimeWaitCount)
            #expect(aggregate.timeWaitPorts.top.first == PortCount(port: 8000, count: Population.serverTimeWaitCount))

            let first = try #require(aggregate.listeners.first)
            #expect(first.local == Endpoint(address: .v4(IPv4Address(rawValue: 0x7F00_0001)), port: 8100))
            #expect(first.queued == 3, "three connections wait to be accepted")
            #expect(first.backlog == 7, "listen(fd, 7)")
            #expect(aggregate.listeners.dropFirst().map(\.local.port) == [8000, 8001, 8002, 9000])
            #expect(aggregate.listeners.dropFirst().allSatisfy { $0.queued == 0 && $0.backlog == 64 })
            #expect(aggregate.otherListeners == 0)
            #expect(aggregate.listenerPorts.total == 5)
        }

        @Test("header-only aggregation equals aggregating decoded sockets, and a Swift-side filter equals the kernel's")
        func pathsAgree() throws {
            let populated = try QueuedPopulation()
            defer { populated.remove() }
            let inspector = try populated.namespace.inspector()
            var aggregator = SocketAggregator(topPorts: 3)
            let everything = SocketQuery(protocols: [.tcp, .udp], states: .all)
            let fromHeaders = try aggregator.aggregate(inspector, matching: everything)
            let fromSockets = aggregator.aggregate(try inspector.sockets(matching: everything))
            #expect(fromHeaders == fromSockets)

            var filtered = everything
            filtered.filter = try FilterParser.parse(["sport = :8000 or sport = :8100"]).expression
            let kernel = try aggregator.aggregate(inspector, matching: filtered)
            filtered.kernelFiltering = false
            let swift = try aggregator.aggregate(inspector, matching: filtered)
            #expect(kernel == swift)
            #expect(kernel.timeWaitPorts.top == [PortCount(port: 8000, count: Population.serverTimeWaitCount)])
            #expect(kernel.listeners.map(\.local.port) == [8100, 8000])
        }

        @Test("samples come one per interval and the sequence ends when its task is cancelled")
        func sampling() async throws {
            let populated = try QueuedPopulation()
            defer { populated.remove() }
            let inspector = try populated.namespace.inspector()
            let clock = ContinuousClock()
            let start = clock.now
            var seen: [Int] = []
            for try await sample in inspector.aggregates(every: .milliseconds(100)) {
                seen.append(sample.timeWaitPorts[8000] ?? 0)
                if seen.count == 3 { break }
            }
            let elapsed = clock.now - start
            #expect(seen == Array(repeating: Population.serverTimeWaitCount, count: 3))
            #expect(elapsed >= .milliseconds(200), "three samples span two intervals: \(elapsed)")
            #expect(elapsed < .seconds(2), "\(elapsed)")

            let task = Task {
                var count = 0
                for try await _ in inspector.aggregates(every: .seconds(3600)) { count += 1 }
                return count
            }
            try await Task.sleep(for: .milliseconds(100))
            task.cancel()
            let count = try await task.value
            #expect(count == 1, "the first sample at once, then the sleep ends by cancellation without another")
            #expect(clock.now - start < .seconds(5))
        }
    }
}

extension Integration {
    /// The example agent (Examples/TimeWaitAgent) run as a program inside a namespace.
    @Suite(.enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"))
    struct ExampleAgent {
        @Test("timewait-agent prints the namespace's TIME_WAIT per local port once per interval")
        func timeWaitPerPort() throws {
            let agent = try #require(Commands.builtProduct("timewait-agent"), "timewait-agent is built with the tests")
            let ip = try #require(Commands.ip)
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            let result = try Commands.run(
                ip,
                ["netns", "exec", namespace.name, agent, "--interval", "0.05", "--count", "3", "--top", "1"]
            )
            #expect(result.status == 0, "\(result)")
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.count == 3, "\(result.stdout)")
            let total = Population.serverTimeWaitCount + Population.clientTimeWaitCount
            let others = Population.clientTimeWaitCount
            for line in lines {
                // The four client-side TIME_WAIT sockets have four distinct ephemeral local ports.
                #expect(
                    line.hasSuffix(
                        " time-wait=\(total) 8000=\(Population.serverTimeWaitCount) other=\(others)/\(others)"
                    ),
                    "\(line)"
                )
            }
            let usage = try Commands.run(agent, ["--top", "5000"])
            #expect(usage.status == 2)
            #expect(usage.stderr == "timewait-agent: --top takes 0…1000, not '5000'\n")
        }
    }
}
