import SockDiag

extension Selection {
    /// The query these options describe.
    /// - Throws: `UsageError` for an unknown state, a bad port, a bad filter or contradictory options.
    /// - Parameter rawByDefault: Whether ss's default listing (``listsEveryKind(_:)``) includes raw sockets; not with
    ///   `--all-netns`, where raw sockets could come only from sockdiag's own namespace (/proc/net/raw).
    func query(rawByDefault: Bool = true) throws(UsageError) -> SocketQuery {
        var protocols = try self.protocols()
        var positional: StateSet?
        var parsedExpression = FilterExpression.all
        var prefix: AddressFamily?
        if let unixFilter = try unixFilter() {
            // A UNIX filter selects UNIX sockets only: no internet dump.
            protocols = []
            positional = unixFilter.states
        } else {
            do {
                let parsed = try FilterParser.parse(filter)
                (positional, parsedExpression, prefix) = (parsed.states, parsed.expression, parsed.family)
            } catch {
                throw UsageError(error.description)
            }
        }
        let families = try self.families(prefix: prefix)
        let states = try selectedStates(positional: positional)
        let ports = try portMatches()
        let expression = try self.expression(parsedExpression)
        var query = SocketQuery(
            protocols: protocols,
            families: families,
            states: states,
            ports: ports,
            filter: expression,
            kernelFiltering: kernelFilter
        )
        if rawByDefault && listsEveryInternetKind(query) { query.protocols.insert(.raw, at: 0) }
        return query
    }

    /// The UNIX socket query of `query` (built by ``query(rawByDefault:)``), or `nil` when UNIX sockets are not
    /// listed: they are with `-x`, and in ss's default listing (``listsEveryKind(_:)``).
    /// - Throws: `UsageError` for a bad UNIX filter.
    func unixQuery(for query: SocketQuery) throws(UsageError) -> UnixSocketQuery? {
        guard unix || filtersUnixNames || listsEveryKind(query) else { return nil }
        return UnixSocketQuery(
            types: tables.unixTypes,
            states: query.states,
            filter: try unixFilter()?.filter ?? .all
        )
    }

    /// ss's default listing: no protocol or family option (`-t -u -w -x -0 -M` …), and nothing in `query` that only
    /// internet sockets have (`-4`/`-6` or a family prefix, ports, addresses, a filter expression, `-B`): every kind
    /// is listed, netlink, packet, UNIX, raw, UDP, TCP, SCTP, vsock, XDP and MPTCP, in that order
    /// (``Selection/familyQueries(for:backend:)`` adds the families beyond UNIX and the internet ones).
    func listsEveryKind(_ query: SocketQuery) -> Bool {
        !unix && !tables.any && query.families.count == 2 && listsEveryInternetKind(query)
    }

    /// Whether raw sockets join UDP and TCP: ss's default listing, and `-4`/`-6` without a protocol option (ss's
    /// `-4` lists every internet table, raw included; `-x -4` lists UNIX and every internet table).
    func listsEveryInternetKind(_ query: SocketQuery) -> Bool {
        !tcp && !udp && !raw && !tables.any && !boundInactive && !filtersUnixNames && (!unix || ipv4 || ipv6)
            && query.ports.isEmpty
            && query.filter == .all
    }

    /// The internet protocols, in ss's order: raw, udp, tcp; without a protocol option, udp and tcp (and raw when
    /// nothing narrows the listing to what only UDP and TCP have: ``query(rawByDefault:)`` adds it).
    private func protocols() throws(UsageError) -> [TransportProtocol] {
        // ss: -x -4 (or -6) lists the UNIX tables and every internet table of that family.
        let noProtocol = !tcp && !udp && !raw && !tables.any && (!unix || ipv4 || ipv6)
        var protocols: [TransportProtocol] = []
        if raw { protocols.append(.raw) }
        if udp || noProtocol { protocols.append(.udp) }
        if tcp || noProtocol { protocols.append(.tcp) }
        if boundInactive && !protocols.contains(.tcp) {
            throw UsageError("-B/--bound-inactive applies to TCP only, but \(udp ? "-u" : "-w") asks for no TCP")
        }
        if unix
            && (!ports.isEmpty || !sourcePorts.isEmpty || !destinationPorts.isEmpty || !sources.isEmpty
                || !destinations.isEmpty)
        {
            throw UsageError("port and address filters do not apply to UNIX sockets (-x); only states do")
        }
        return protocols
    }

    /// The families of `-4`/`-6`; as in ss, the filter's explicit `inet:`/`inet6:` `prefix` restricts the whole dump
    /// to that family.
    private func families(prefix: AddressFamily?) throws(UsageError) -> [AddressFamily] {
        var families: [AddressFamily] = []
        if ipv4 || !ipv6 { families.append(.inet) }
        if ipv6 || !ipv4 { families.append(.inet6) }
        guard let prefix else { return families }
        guard families.contains(prefix) else {
            throw UsageError("\(ipv4 ? "-4" : "-6") and the filter's \(prefix): prefix contradict: nothing could match")
        }
        return [prefix]
    }

    /// The states of `--state`, the filter's `state`/`exclude` words (`positional`), `-l`, `-B` and `-a`; ss's
    /// default without any of them.
    private func selectedStates(positional: StateSet?) throws(UsageError) -> StateSet {
        var named = StateSet()
        for name in states {
            guard let set = StateSet.parse(name) else {
                throw UsageError("unknown state '\(name)'; valid states: \(Self.stateNames)")
            }
            named.formUnion(set)
        }
        var stateWords = states
        if let positional {
            named.formUnion(positional)
            stateWords.append(positional.description)
        }
        var flagged = StateSet()
        if listening { flagged.formUnion(.listening) }
        if boundInactive { flagged.formUnion(.boundInactive) }

        guard stateWords.isEmpty else {
            // Like ss, a state filter narrows -a; but -l/-B and a state outside them contradict.
            if !flagged.isEmpty && !flagged.isSuperset(of: named) {
                let flags = [listening ? "-l" : nil, boundInactive ? "-B" : nil].compactMap { $0 }.joined(
                    separator: " "
                )
                throw UsageError(
                    "\(flags) and --state \(stateWords.joined(separator: ",")) contradict: \(flags) selects only \(flagged) sockets; drop one"
                )
            }
            return named
        }
        if all { return StateSet.all.union(flagged) }
        return flagged.isEmpty ? defaultStates : flagged
    }

    /// The conditions of `--port`, `--sport` and `--dport`.
    private func portMatches() throws(UsageError) -> [PortMatch] {
        var conditions: [PortMatch] = []
        for (side, values, option) in [
            (PortMatch.Side.either, ports, "--port"), (.local, sourcePorts, "--sport"),
            (.peer, destinationPorts, "--dport"),
        ] where !values.isEmpty {
            var ports: [UInt16] = []
            for value in values { ports.append(try Self.port(value, option: option)) }
            conditions.append(PortMatch(side, ports))
        }
        return conditions
    }

    /// The filter expression and `--src`/`--dst` (each repeated option any of its values).
    private func expression(_ filter: FilterExpression) throws(UsageError) -> FilterExpression {
        var expression = filter
        for (side, values, option) in [(FilterSide.local, sources, "--src"), (.peer, destinations, "--dst")]
        where !values.isEmpty {
            var alternatives: [FilterExpression] = []
            for value in values {
                do {
                    alternatives.append(.host(side, try HostCondition(parsing: value)))
                } catch {
                    throw UsageError("\(option): \(error.message)")
                }
            }
            expression = expression && .anyOf(alternatives)
        }
        if unix && expression != .all {
            throw UsageError("filter expressions do not apply to UNIX sockets (-x); only 'state' and 'exclude' do")
        }
        if ipv4 && !ipv6, expression.requiresFamily(.inet6) {
            throw UsageError("-4 and an IPv6 address that every match needs contradict: nothing could match")
        }
        return expression
    }

    /// Parses a port number, with or without ss's leading colon.
    static func port(_ text: String, option: String) throws(UsageError) -> UInt16 {
        let digits = text.hasPrefix(":") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            digits.utf8.count <= 5, let value = Int(digits), value <= 65535
        else {
            throw UsageError("invalid port '\(text)' for \(option): expected a number from 0 to 65535")
        }
        return UInt16(value)
    }
}
