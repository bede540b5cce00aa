import SockDiag

/// The exporter's command line, read without /proc.
enum ExporterArguments {
    /// The arguments after the program name, as the C runtime handed them over (`ProcessArguments`), each
    /// `--OPTION -N` written `--OPTION=-N`; exits 1 with one line when there is no command line at all.
    ///
    /// No exporter option is spelled `-` and digits, so a negative number can only be meant as a value: attached
    /// to any long option, it is refused with that option's rule ("--top-ports takes a number from 0 to 1000,
    /// not -1"), or, after a flag, with ArgumentParser's "does not take any value".
    static func current() -> [String] {
        let commandLine = ProcessArguments.current
        guard !commandLine.isEmpty else { fail(ProcessArguments.unavailableMessage, status: 1) }
        return ProcessArguments.attachingNegativeNumbers(Array(commandLine.dropFirst())) { word in
            word.hasPrefix("--") && !word.contains("=")
        }
    }
}
