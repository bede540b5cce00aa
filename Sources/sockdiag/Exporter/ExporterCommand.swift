import ArgumentParser

/// `sockdiag exporter ARGS…`: runs `sockdiag-exporter ARGS…` (``ExporterDispatch``).
///
/// ``SockDiagCommand/main()`` hands `exporter`'s arguments over before ArgumentParser sees them, so that
/// `sockdiag exporter --help` and `--version` are the exporter's own; this command puts `exporter` in the tree
/// (`sockdiag help`) and does the same when it runs.
struct ExporterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exporter",
        abstract:
            "Serve the socket tables as Prometheus metrics (runs sockdiag-exporter; see sockdiag exporter --help)."
    )

    @Argument(parsing: .captureForPassthrough, help: "The arguments for sockdiag-exporter.")
    var arguments: [String] = []

    func run() throws {
        ExporterDispatch.exec(arguments)
    }
}
