import SockDiag

/// The socket selection as plain values, whichever parser filled them (ArgumentParser or the fast path).
struct Selection: Equatable {
    var tcp = false
    var udp = false
    /// `-w`: raw sockets.
    var raw = false
    /// `-x`: UNIX domain sockets.
    var unix = false
    var ipv4 = false
    var ipv6 = false
    var all = false
    var listening = false
    var boundInactive = false
    var states: [String] = []
    var ports: [String] = []
    var sourcePorts: [String] = []
    var destinationPorts: [String] = []
    var sources: [String] = []
    var destinations: [String] = []
    var kernelFilter = true
    var filter: [String] = []
    /// The families and tables beyond TCP, UDP, raw and UNIX (`-0`, `--netlink`, `-M`, `-S` …, `-A`, `-f`).
    var tables = TableSelection()

    /// Whether any option selects sockets to list (with `-s`, ss then lists them after the summary).
    var asksForSockets: Bool {
        tcp || udp || raw || unix || ipv4 || ipv6 || all || listening || boundInactive || !states.isEmpty || !ports.isEmpty
            || !sourcePorts.isEmpty || !destinationPorts.isEmpty || !sources.isEmpty || !destinations.isEmpty
            || !filter.isEmpty || tables.any || !tables.queries.isEmpty || !tables.families.isEmpty
    }

    static var stateNames: String {
        StateSet.names.map(\.name).joined(separator: ", ")
    }
}
