import ArgumentParser

/// `-E`/`--events`: follow the sockets the kernel destroys instead of listing.
struct EventOptions: ParsableArguments {
    @Flag(
        name: [.customShort("E"), .customLong("events")],
        help: ArgumentHelp(
            "Print each TCP and UDP socket as the kernel destroys it, until interrupted (as ss -E; root).",
            discussion: "The selection options and the filter apply; --json prints one JSON object per line."
        )
    )
    var events = false
}
