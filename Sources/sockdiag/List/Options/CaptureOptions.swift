import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Record and replay: `-D FILE` writes the dump's raw replies, `--from FILE` (or ss's `TCPDIAG_FILE`) lists them.
struct CaptureOptions: ParsableArguments {
    @Option(
        name: [.customShort("D"), .customLong("diag")],
        help: ArgumentHelp(
            "Write the raw netlink replies of the dump to FILE (- for standard output) instead of listing, as ss -D.",
            discussion: "The capture holds every socket of the selected kinds, families and states (the filter "
                + "applies when it is read); --from or TCPDIAG_FILE reads it, here or on another machine.",
            valueName: "file"
        )
    )
    var diag: String?

    @Option(
        name: .customLong("from"),
        help: ArgumentHelp(
            "List the sockets of a capture (sockdiag -D or ss -D; - for standard input) instead of the kernel's.",
            discussion: "As TCPDIAG_FILE=FILE; every option and filter applies as it would live.",
            valueName: "file"
        )
    )
    var from: String?
}

extension Invocation {
    /// The capture to list instead of the kernel's tables: `--from`, else ss's `TCPDIAG_FILE` when set.
    var replayPath: String? {
        if let from { return from }
        guard let variable = getenv("TCPDIAG_FILE"), variable.pointee != 0 else { return nil }
        return String(cString: variable)
    }
}
