import ArgumentParser
import SockDiag

/// `sockdiag --generate-completion-script SHELL`: ArgumentParser's script, and for bash an adapter for the default
/// subcommand.
///
/// ArgumentParser's scripts complete a subcommand's options only after its name; but `sockdiag -tan` is
/// `sockdiag list -tan`. The bash adapter completes a command line whose first word is an option as if `list`
/// came first, so that `sockdiag --state <TAB>` offers the state names. (zsh and fish complete list's options
/// after `sockdiag list`.)
enum CompletionScript {
    /// The script `arguments` ask for (`--generate-completion-script SHELL` or `=SHELL`, nothing else), or `nil`.
    static func requested(by arguments: [String]) -> String? {
        guard let name = ProcessArguments.completionShell(requestedBy: arguments),
            let shell = name.isEmpty ? CompletionShell.autodetected() : CompletionShell(rawValue: name)
        else { return nil }
        let script = SockDiagCommand.completionScript(for: shell)
        return shell == .bash ? script + bashDefaultSubcommand : script
    }

    /// Completes `sockdiag -OPTION …` as `sockdiag list -OPTION …` (COMP_WORDS, COMP_CWORD, COMP_LINE and
    /// COMP_POINT all get the inserted word), and anything else as ArgumentParser's `_sockdiag` does.
    static let bashDefaultSubcommand = """

        # sockdiag without a subcommand lists sockets (`list` is the default subcommand): a command line whose first
        # word is an option completes as `sockdiag list ...`.
        _sockdiag_default_subcommand() {
            if [[ "${COMP_CWORD}" -ge 1 && "${COMP_WORDS[1]-}" == -* ]]; then
                local -r command="${COMP_WORDS[0]}"
                COMP_WORDS=("${command}" list "${COMP_WORDS[@]:1}")
                COMP_CWORD=$((COMP_CWORD + 1))
                local -r rest="${COMP_LINE#*"${command}"}"
                COMP_LINE="${command} list${rest}"
                COMP_POINT=$((COMP_POINT + 5))
            fi
            _sockdiag "$@"
        }

        complete -o filenames -F _sockdiag_default_subcommand sockdiag

        """
}
