import ArgumentParser
import SockDiag

/// The options `bind-check` and `free` share: the address and port, the protocol, the bind that must work and the
/// namespace; validated once, for both.
struct BindTargetOptions: ParsableArguments {
    @Argument(
        help: ArgumentHelp(
            "The address and port: PORT, ADDRESS:PORT or [IPV6]:PORT (address 0.0.0.0 by default).",
            valueName: "address:port"
        )
    )
    var target: String

    @Flag(name: .long, help: "A UDP port (TCP by default).")
    var udp = false

    @Flag(name: .long, help: "The bind that must work is one with SO_REUSEADDR (for the exit status).")
    var reuseaddr = false

    @Flag(name: .long, help: "The bind that must work is one with SO_REUSEPORT (for the exit status).")
    var reuseport = false

    @Option(
        name: [.customShort("N"), .customLong("net")],
        help: ArgumentHelp("Work inside the named network namespace (/var/run/netns/NAME).", valueName: "name"),
        completion: .networkNamespaces
    )
    var namespace: String?

    mutating func validate() throws {
        do {
            _ = try BindTarget(parsing: target, transport: transport)
        } catch {
            throw ValidationError(error.message)
        }
        if reuseaddr && reuseport {
            throw ValidationError("--reuseaddr and --reuseport contradict: a bind asks for one of them")
        }
    }

    /// TCP, or UDP with `--udp`.
    var transport: TransportProtocol { udp ? .udp : .tcp }

    /// The parsed target (``validate()`` has checked it).
    func bindTarget() throws -> BindTarget {
        try BindTarget(parsing: target, transport: transport)
    }

    /// The sockdiag command that lists the sockets on the target's port: every state, bound-inactive for TCP, with
    /// their processes, in the same namespace.
    func evidenceCommand(port: UInt16) -> String {
        var words = ["sockdiag", udp ? "-uanp" : "-tanBp"]
        if let namespace { words += ["-N", namespace] }
        words.append("'sport = :\(port)'")
        return words.joined(separator: " ")
    }

    /// The `sockdiag free` command for `target` with the same protocol, bind and namespace (the address only when it
    /// is not the IPv4 wildcard).
    func freeCommand(_ target: BindTarget) -> String {
        var words = ["sockdiag", "free"]
        if let namespace { words += ["-N", namespace] }
        if udp { words.append("--udp") }
        if reuseaddr { words.append("--reuseaddr") }
        if reuseport { words.append("--reuseport") }
        let endpoint = "\(Endpoint(address: target.address, port: target.port))"
        // IPv6 in quotes: the shell would take the brackets for a pattern.
        if target.address == .v4(.any) {
            words.append("\(target.port)")
        } else {
            words.append(target.family == .inet6 ? "'\(endpoint)'" : endpoint)
        }
        return words.joined(separator: " ")
    }

    /// Whether a bind as asked (plain, `--reuseaddr`, `--reuseport`) works by `result`'s proof.
    func bindable(_ result: BindCheckResult) -> Bool {
        result.bindable(reuseAddress: reuseaddr, reusePort: reuseport)
    }
}
