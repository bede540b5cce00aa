import ArgumentParser
import SockDiag

/// The options that choose which sockets to list, in ss's spelling and meaning.
struct SocketSelection: ParsableArguments {
    @Flag(name: [.customShort("t"), .long], help: "Display TCP sockets.")
    var tcp = false

    @Flag(name: [.customShort("u"), .long], help: "Display UDP sockets.")
    var udp = false

    @Flag(name: [.customShort("4"), .customLong("ipv4")], help: "Display only IPv4 sockets.")
    var ipv4 = false

    @Flag(name: [.customShort("6"), .customLong("ipv6")], help: "Display only IPv6 sockets.")
    var ipv6 = false

    @Flag(name: [.customShort("a"), .long], help: "Display sockets in all states (with --state, the states given).")
    var all = false

    @Flag(name: [.customShort("l"), .long], help: "Display only listening sockets (LISTEN, and UDP's UNCONN).")
    var listening = false

    @Flag(
        name: [.customShort("B"), .customLong("bound-inactive")],
        help: "Display TCP sockets bound to a port but neither listening nor connected (kernel 6.8+)."
    )
    var boundInactive = false

    @Option(
        name: .customLong("state"),
        help: ArgumentHelp(
            "Display only sockets in this state or state group (repeatable).",
            discussion: "Names: \(SocketSelection.stateNames).",
            valueName: "state"
        )
    )
    var states: [String] = []

    @Option(name: .customLong("port"), help: ArgumentHelp("Local or peer port (repeatable: any of them).", valueName: "port"))
    var ports: [String] = []

    @Option(name: .customLong("sport"), help: ArgumentHelp("Local (source) port (repeatable: any of them).", valueName: "port"))
    var sourcePorts: [String] = []

    @Option(name: .customLong("dport"), help: ArgumentHelp("Peer (destination) port (repeatable: any of them).", valueName: "port"))
    var destinationPorts: [String] = []

    @Option(
        name: .customLong("src"),
        help: ArgumentHelp("Local address[/len][:port] (as ss's 'src'; repeatable: any of them).", valueName: "host")
    )
    var sources: [String] = []

    @Option(
        name: .customLong("dst"),
        help: ArgumentHelp("Peer address[/len][:port] (as ss's 'dst'; repeatable: any of them).", valueName: "host")
    )
    var destinations: [String] = []

    @Flag(
        name: .customLong("kernel-filter"),
        inversion: .prefixedNo,
        help: "Let the kernel evaluate the filter (default); --no-kernel-filter dumps everything and filters here."
    )
    var kernelFilter = true

    @Argument(
        help: ArgumentHelp(
            "ss filter: [ state STATE | exclude STATE ]... [ EXPRESSION ], e.g. state time-wait '( sport = :8000 or dport = :8000 )'.",
            valueName: "filter"
        )
    )
    var filter: [String] = []

    static var stateNames: String {
        StateSet.names.map(\.name).joined(separator: ", ")
    }

    /// The query these options describe.
    /// - Throws: `ValidationError` for an unknown state, a bad port or contradictory options.
    func query() throws -> SocketQuery {
        var protocols: [TransportProtocol] = []
        if udp || !tcp { protocols.append(.udp) }
        if tcp || !udp { protocols.append(.tcp) }
        if boundInactive && !tcp && udp {
            throw ValidationError("-B/--bound-inactive applies to TCP only, but -u asks for UDP only")
        }

        var families: [AddressFamily] = []
        if ipv4 || !ipv6 { families.append(.inet) }
        if ipv6 || !ipv4 { families.append(.inet6) }
        let parsed = try FilterParser.parse(filter)
        if let only = parsed.family {
            // As in ss, an explicit inet:/inet6: prefix restricts the whole dump to that family.
            guard families.contains(only) else {
                throw ValidationError("\(ipv4 ? "-4" : "-6") and the filter's \(only): prefix contradict: nothing could match")
            }
            families = [only]
        }

        var named = StateSet()
        for name in states {
            guard let set = StateSet.parse(name) else {
                throw ValidationError("unknown state '\(name)'; valid states: \(Self.stateNames)")
            }
            named.formUnion(set)
        }
        var stateWords = states
        if let positional = parsed.states {
            named.formUnion(positional)
            stateWords.append(positional.description)
        }
        var flagged = StateSet()
        if listening { flagged.formUnion(.listening) }
        if boundInactive { flagged.formUnion(.boundInactive) }

        let selected: StateSet
        if !stateWords.isEmpty {
            // Like ss, a state filter narrows -a; but -l/-B and a state outside them contradict.
            if !flagged.isEmpty && !flagged.isSuperset(of: named) {
                let flags = [listening ? "-l" : nil, boundInactive ? "-B" : nil].compactMap { $0 }.joined(separator: " ")
                throw ValidationError(
                    "\(flags) and --state \(stateWords.joined(separator: ",")) contradict: \(flags) selects only \(flagged) sockets; drop one"
                )
            }
            selected = named
        } else if all {
            selected = StateSet.all.union(flagged)
        } else if !flagged.isEmpty {
            selected = flagged
        } else {
            selected = .ssDefault
        }

        var conditions: [PortMatch] = []
        for (side, values, option) in [
            (PortMatch.Side.either, ports, "--port"), (.local, sourcePorts, "--sport"), (.peer, destinationPorts, "--dport"),
        ] where !values.isEmpty {
            conditions.append(PortMatch(side, try values.map { try Self.port($0, option: option) }))
        }
        var expression = parsed.expression
        for (side, values, option) in [(FilterSide.source, sources, "--src"), (.destination, destinations, "--dst")]
        where !values.isEmpty {
            var alternatives: FilterExpression?
            for value in values {
                let condition: HostCondition
                do {
                    condition = try HostCondition(parsing: value)
                } catch {
                    throw ValidationError("\(option): \(error.message)")
                }
                alternatives = alternatives.map { .or($0, .host(side, condition)) } ?? .host(side, condition)
            }
            expression = expression && alternatives!
        }
        if ipv4 && !ipv6, expression.requiresFamily(.inet6) {
            throw ValidationError("-4 and an IPv6 address that every match needs contradict: nothing could match")
        }
        return SocketQuery(
            protocols: protocols,
            families: families,
            states: selected,
            ports: conditions,
            filter: expression,
            kernelFiltering: kernelFilter
        )
    }

    /// Parses a port number, with or without ss's leading colon.
    static func port(_ text: String, option: String) throws -> UInt16 {
        let digits = text.hasPrefix(":") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            digits.utf8.count <= 5, let value = Int(digits), value <= 65535
        else {
            throw ValidationError("invalid port '\(text)' for \(option): expected a number from 0 to 65535")
        }
        return UInt16(value)
    }
}
