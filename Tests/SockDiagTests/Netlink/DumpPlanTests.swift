import Testing

@testable import SockDiag

@Suite("DumpPlan: the requests and where the filter runs, decided once per query")
struct DumpPlanTests {
    static func labels(_ plan: DumpPlan) -> [String] { plan.requests.map(\.label) }

    @Test("one legacy request for TCP over both families; one per family otherwise; none for impossible states")
    func requests() throws {
        #expect(Self.labels(try DumpPlan(SocketQuery())) == ["udp/inet", "udp/inet6", "tcp"])
        #expect(Self.labels(try DumpPlan(SocketQuery(protocols: [.tcp], families: [.inet6]))) == ["tcp/inet6"])
        let listeners = try DumpPlan(SocketQuery(protocols: [.udp, .tcp], states: .listen))
        #expect(Self.labels(listeners) == ["tcp"], "UDP sockets are never listening")
    }

    @Test("no filter: nothing to place; a filter goes to the kernel unless the query keeps it in Swift")
    func placement() throws {
        let none = try DumpPlan(SocketQuery())
        #expect(none.placement == .none && none.bytecode.isEmpty && none.repliesNeedNoDecoding)

        let port = SocketQuery(ports: [PortMatch(.local, [22])])
        let kernel = try DumpPlan(port)
        #expect(kernel.placement == .kernel && !kernel.bytecode.isEmpty && kernel.repliesNeedNoDecoding)

        var inSwift = port
        inSwift.kernelFiltering = false
        let swift = try DumpPlan(inSwift)
        #expect(swift.placement == .swift && swift.bytecode.isEmpty && !swift.repliesNeedNoDecoding)
    }

    @Test("a program too long for a request is evaluated in Swift")
    func tooLong() throws {
        let ports = (0..<2_000).map { UInt16(10_000 + $0) }
        let plan = try DumpPlan(SocketQuery(ports: [PortMatch(.either, ports)]))
        #expect(plan.placement == .swift)
        #expect(plan.bytecode.isEmpty)
    }

    @Test("bound-inactive sockets come as TCP_CLOSE, so their replies need decoding")
    func boundInactive() throws {
        let plan = try DumpPlan(SocketQuery(protocols: [.tcp], states: .boundInactive))
        #expect(plan.boundInactiveRequested)
        #expect(!plan.repliesNeedNoDecoding)
    }

    @Test("autobound outside the kernel fails the query; a given context is used as it is")
    func autobound() throws {
        var query = SocketQuery(filter: .autobound, kernelFiltering: false)
        #expect(throws: SockDiagError.self) { try DumpPlan(query) }
        query.kernelFiltering = true
        query.context = FilterContext(ephemeralPorts: 40_000...40_010)
        let plan = try DumpPlan(query)
        #expect(plan.placement == .kernel)
        #expect(plan.context == query.context)
    }
}
