import ArgumentParser
import SockDiag

/// `sockdiag-exporter --generate-completion-script SHELL`: ArgumentParser's completion script for the exporter's
/// options, under the binary's name.
///
/// ``ExporterCommand``'s name is `sockdiag exporter` (how its help spells the usage), and a name with a space
/// makes no shell function; this root command holds the same options under the name the shell completes.
struct ExporterCompletion: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sockdiag-exporter")

    @OptionGroup var exporter: ExporterCommand

    /// The script `arguments` ask for (`--generate-completion-script SHELL` or `=SHELL`, nothing else), or `nil`.
    static func script(for arguments: [String]) -> String? {
        guard let name = ProcessArguments.completionShell(requestedBy: arguments),
            let shell = name.isEmpty ? CompletionShell.autodetected() : CompletionShell(rawValue: name)
        else { return nil }
        return completionScript(for: shell)
    }
}
