import ArgumentParser
import SockDiag

/// The options that choose which sockets to list, in ss's spelling and meaning.
struct SocketSelection: ParsableArguments {
    /// The options whose values are numbers: a negative one stays with its option
    /// (`ProcessArguments.attachingNegativeNumbers`), to be refused as a port.
    static let numericOptions = ["--port", "--sport", "--dport"]

    @Flag(name: [.customShort("t"), .long], help: "Display TCP sockets.")
    var tcp = false

    @Flag(name: [.customShort("u"), .long], help: "Display UDP sockets.")
    var udp = false

    @Flag(name: [.customShort("w"), .long], help: "Display raw sockets (the local port column is the IP protocol).")
    var raw = false

    @Flag(name: [.customShort("x"), .long], help: "Display UNIX domain sockets (path and inode, peer inode).")
    var unix = false

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
            discussion: "Names: \(Selection.stateNames).",
            valueName: "state"
        ),
        completion: .list(StateSet.names.map(\.name))
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

    /// The parsed values.
    var plain: Selection {
        Selection(
            tcp: tcp, udp: udp, raw: raw, unix: unix, ipv4: ipv4, ipv6: ipv6, all: all, listening: listening, boundInactive: boundInactive,
            states: states, ports: ports, sourcePorts: sourcePorts, destinationPorts: destinationPorts,
            sources: sources, destinations: destinations, kernelFilter: kernelFilter, filter: filter
        )
    }
}
