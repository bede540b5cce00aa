/// A parser for ordinary command lines that does what ArgumentParser does with them, without its start-up cost
/// (ArgumentParser's reflection looks up protocol conformances across the whole static binary: about 2.5 ms).
///
/// It accepts only what it is sure of (the options below, each flag at most once, values that do not start with
/// `-`) and returns `nil` for everything else, which then goes through ArgumentParser: help, `--`, unknown options,
/// missing values. A test checks that both parsers give the same ``Invocation`` for a table of command lines.
/// Plain `switch`es only: key paths, dictionaries and sets would bring back the conformance lookups.
enum FastArguments {
    /// The flags, each with a bit for "seen".
    enum Flag: Int {
        case tcp, udp, ipv4, ipv6, all, listening, boundInactive, numeric, noHeader, json, summary, verbose, version
        case kernelFilter
        case options, extended, memory, info
        case raw, unix
        case processes
        case allNamespaces
        case kill, dryRun, killAll
        case resolve, threads, oneLine, noQueues, typeOfService, cgroup, inetSocketOptions
        case processContext, socketContext, bpf
        case packet, netlink, mptcp, sctp, vsock, xdp, tipc

        init?(short character: Character) {
            switch character {
            case "t": self = .tcp
            case "u": self = .udp
            case "4": self = .ipv4
            case "6": self = .ipv6
            case "a": self = .all
            case "l": self = .listening
            case "B": self = .boundInactive
            case "n": self = .numeric
            case "H": self = .noHeader
            case "s": self = .summary
            case "v": self = .verbose
            case "V": self = .version
            case "o": self = .options
            case "e": self = .extended
            case "m": self = .memory
            case "i": self = .info
            case "w": self = .raw
            case "x": self = .unix
            case "p": self = .processes
            case "K": self = .kill
            case "r": self = .resolve
            case "T": self = .threads
            case "O": self = .oneLine
            case "Q": self = .noQueues
            case "Z": self = .processContext
            case "z": self = .socketContext
            case "b": self = .bpf
            case "0": self = .packet
            case "M": self = .mptcp
            case "S": self = .sctp
            default: return nil
            }
        }

        init?(long name: Substring) {
            switch name {
            case "tcp": self = .tcp
            case "udp": self = .udp
            case "ipv4": self = .ipv4
            case "ipv6": self = .ipv6
            case "all": self = .all
            case "listening": self = .listening
            case "bound-inactive": self = .boundInactive
            case "numeric": self = .numeric
            case "no-header": self = .noHeader
            case "json": self = .json
            case "summary": self = .summary
            case "verbose": self = .verbose
            case "version": self = .version
            case "options": self = .options
            case "extended": self = .extended
            case "memory": self = .memory
            case "info": self = .info
            case "raw": self = .raw
            case "unix": self = .unix
            case "processes": self = .processes
            case "all-netns": self = .allNamespaces
            case "kill": self = .kill
            case "dry-run": self = .dryRun
            case "kill-all": self = .killAll
            case "resolve": self = .resolve
            case "threads": self = .threads
            case "oneline": self = .oneLine
            case "no-queues": self = .noQueues
            case "tos": self = .typeOfService
            case "cgroup": self = .cgroup
            case "inet-sockopt": self = .inetSocketOptions
            case "context": self = .processContext
            case "contexts": self = .socketContext
            case "bpf": self = .bpf
            case "packet": self = .packet
            case "netlink": self = .netlink
            case "mptcp": self = .mptcp
            case "sctp": self = .sctp
            case "vsock": self = .vsock
            case "xdp": self = .xdp
            case "tipc": self = .tipc
            default: return nil
            }
        }

        func set(in invocation: inout Invocation) {
            switch self {
            case .tcp: invocation.selection.tcp = true
            case .udp: invocation.selection.udp = true
            case .ipv4: invocation.selection.ipv4 = true
            case .ipv6: invocation.selection.ipv6 = true
            case .all: invocation.selection.all = true
            case .listening: invocation.selection.listening = true
            case .boundInactive: invocation.selection.boundInactive = true
            case .numeric: invocation.numeric = true
            case .noHeader: invocation.noHeader = true
            case .json: invocation.json = true
            case .summary: invocation.summary = true
            case .verbose: invocation.verbose = true
            case .version: invocation.printVersion = true
            case .kernelFilter: break
            case .options: invocation.options = true
            case .extended: invocation.extended = true
            case .memory: invocation.memory = true
            case .info: invocation.info = true
            case .raw: invocation.selection.raw = true
            case .unix: invocation.selection.unix = true
            case .processes: invocation.processes = true
            case .allNamespaces: invocation.allNamespaces = true
            case .kill: invocation.kill = true
            case .dryRun: invocation.dryRun = true
            case .killAll: invocation.killAll = true
            case .resolve: invocation.display.resolve = true
            case .threads: invocation.display.threads = true
            case .oneLine: invocation.display.oneLine = true
            case .noQueues: invocation.display.noQueues = true
            case .typeOfService: invocation.display.typeOfService = true
            case .cgroup: invocation.display.cgroup = true
            case .inetSocketOptions: invocation.display.inetSocketOptions = true
            case .processContext: invocation.display.processContext = true
            case .socketContext: invocation.display.socketContext = true
            case .bpf: invocation.display.bpf = true
            case .packet: invocation.selection.tables.packet = true
            case .netlink: invocation.selection.tables.netlink = true
            case .mptcp: invocation.selection.tables.mptcp = true
            case .sctp: invocation.selection.tables.sctp = true
            case .vsock: invocation.selection.tables.vsock = true
            case .xdp: invocation.selection.tables.xdp = true
            case .tipc: invocation.selection.tables.tipc = true
            }
        }
    }

    /// Appends `value` to the option `name`; false for an unknown option or a second `--filter`.
    static func append(_ value: String, to name: Substring, in invocation: inout Invocation) -> Bool {
        switch name {
        case "state": invocation.selection.states.append(value)
        case "port": invocation.selection.ports.append(value)
        case "sport": invocation.selection.sourcePorts.append(value)
        case "dport": invocation.selection.destinationPorts.append(value)
        case "src": invocation.selection.sources.append(value)
        case "dst": invocation.selection.destinations.append(value)
        case "filter":
            guard invocation.display.filterFile == nil else { return false }
            invocation.display.filterFile = value
        case "query", "socket": invocation.selection.tables.queries.append(value)
        case "family": invocation.selection.tables.families.append(value)
        default: return false
        }
        return true
    }

    /// The invocation for `arguments` (without the program name), or `nil` to let ArgumentParser decide.
    static func parse(_ arguments: ArraySlice<String>) -> Invocation? {
        var invocation = Invocation()
        var seen: UInt64 = 0
        var backendGiven = false
        func mark(_ flag: Flag) -> Bool {
            let bit: UInt64 = 1 << UInt64(flag.rawValue)
            guard seen & bit == 0 else { return false }
            seen |= bit
            return true
        }
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            if argument.hasPrefix("--") {
                var name = argument.dropFirst(2)
                var value: String?
                if let equals = name.firstIndex(of: "=") {
                    value = String(name[name.index(after: equals)...])
                    name = name[..<equals]
                }
                if let flag = Flag(long: name) {
                    guard value == nil, mark(flag) else { return nil }
                    flag.set(in: &invocation)
                    continue
                }
                if name == "kernel-filter" || name == "no-kernel-filter" {
                    guard value == nil, mark(.kernelFilter) else { return nil }
                    invocation.selection.kernelFilter = name == "kernel-filter"
                    continue
                }
                if value == nil {
                    guard index < arguments.endIndex else { return nil }
                    value = arguments[index]
                    index += 1
                }
                guard let value, !value.isEmpty, !value.hasPrefix("-") else { return nil }
                if name == "backend" {
                    guard !backendGiven, let backend = Backend(rawValue: value) else { return nil }
                    backendGiven = true
                    invocation.backend = backend
                } else if !append(value, to: name, in: &invocation) {
                    return nil
                }
            } else if argument.hasPrefix("-") {
                guard argument.count > 1 else { return nil }
                for (offset, character) in argument.dropFirst().enumerated() {
                    // `-A QUERY`, `-f FAMILY`: the last of a cluster, the value the next argument.
                    if character == "A" || character == "f" {
                        guard offset == argument.count - 2, index < arguments.endIndex else { return nil }
                        let value = arguments[index]
                        index += 1
                        guard !value.isEmpty, !value.hasPrefix("-") else { return nil }
                        _ = append(value, to: character == "A" ? "query" : "family", in: &invocation)
                        continue
                    }
                    guard let flag = Flag(short: character), mark(flag) else { return nil }
                    flag.set(in: &invocation)
                }
            } else {
                invocation.selection.filter.append(argument)
            }
        }
        return invocation
    }
}
