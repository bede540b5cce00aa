import ArgumentParser

/// The options that choose socket families and tables beyond TCP, UDP, raw and UNIX: ss's `-0`, `--netlink`,
/// `-M`, `-S`, `--vsock`, `--xdp`, `--tipc`, and its `-A`/`--query`/`--socket` and `-f`/`--family` words.
struct FamilySelection: ParsableArguments {
    @Flag(name: [.customShort("0"), .customLong("packet")], help: "Display packet sockets (p_raw, p_dgr).")
    var packet = false

    @Flag(name: .customLong("netlink"), help: "Display netlink sockets (nl).")
    var netlink = false

    @Flag(name: [.customShort("M"), .customLong("mptcp")], help: "Display MPTCP sockets.")
    var mptcp = false

    @Flag(
        name: [.customShort("S"), .customLong("sctp")],
        help: "Display SCTP sockets (where the kernel has sctp_diag)."
    )
    var sctp = false

    @Flag(name: .customLong("vsock"), help: "Display vsock sockets (where the kernel has vsock_diag).")
    var vsock = false

    @Flag(name: .customLong("xdp"), help: "Display XDP sockets (where the kernel has xsk_diag).")
    var xdp = false

    @Flag(name: .customLong("tipc"), help: "Display TIPC sockets (where the kernel has TIPC).")
    var tipc = false

    @Flag(name: .customLong("tipcinfo"), help: "TIPC sockets with their details, as ss (implies --tipc).")
    var tipcInfo = false

    @Flag(
        name: [.customShort("d"), .customLong("dccp")],
        help: "DCCP sockets, as ss's -d: there are none to list (Linux removed DCCP in 6.16); alone, a usage error."
    )
    var dccp = false

    @Option(
        name: [.customShort("A"), .customLong("query"), .customLong("socket")],
        help: ArgumentHelp(
            "Socket tables to list, comma-separated, '!' to leave one out (repeatable).",
            discussion: "Tables: \(TableWord.names).",
            valueName: "query"
        )
    )
    var queries: [String] = []

    @Option(
        name: [.customShort("f"), .customLong("family")],
        help: ArgumentHelp(
            "Display sockets of this family (repeatable): \(TableWord.familyNames).",
            valueName: "family"
        )
    )
    var families: [String] = []

    /// The parsed values.
    var plain: TableSelection {
        TableSelection(
            packet: packet,
            netlink: netlink,
            mptcp: mptcp,
            sctp: sctp,
            vsock: vsock,
            xdp: xdp,
            tipc: tipc || tipcInfo,
            queries: dccp ? queries + ["dccp"] : queries,
            families: families
        )
    }
}
