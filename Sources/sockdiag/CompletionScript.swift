import ArgumentParser
import SockDiag

/// `sockdiag --generate-completion-script SHELL`: ArgumentParser's script with an adapter for the default
/// subcommand.
///
/// ArgumentParser's scripts complete a subcommand's options only after its name; but `sockdiag -tan` is
/// `sockdiag list -tan`. The adapters (bash, zsh, fish) complete a command line whose first argument is an option as
/// if `list` came first, so that `sockdiag --state <TAB>` offers the state names.
enum CompletionScript {
    /// The script `arguments` ask for (`--generate-completion-script SHELL` or `=SHELL`, nothing else), or `nil`.
    static func requested(by arguments: [String]) -> String? {
        guard let name = ProcessArguments.completionShell(requestedBy: arguments),
            let shell = name.isEmpty ? CompletionShell.autodetected() : CompletionShell(rawValue: name)
        else { return nil }
        let script = SockDiagCommand.completionScript(for: shell)
        switch shell {
        case .bash: return script + bashDefaultSubcommand
        case .zsh: return withZshDefaultSubcommand(script)
        case .fish: return script + fishDefaultSubcommand
        default: return script
        }
    }

    /// The zsh script with its registration replaced: `sockdiag` completes through `_sockdiag_default_subcommand`,
    /// also once the script was autoloaded from `fpath` as `_sockdiag` (its `#compdef` line names that function).
    static func withZshDefaultSubcommand(_ script: String) -> String {
        let registration = "if [[ \"${funcstack[1]}\" = _sockdiag ]]; then"
        let body = script.firstRange(of: registration).map { String(script[..<$0.lowerBound]) } ?? script + "\n"
        return body + zshDefaultSubcommand
    }

    /// Completes `sockdiag -OPTION …` as `sockdiag list -OPTION …` (`words` and `CURRENT` get the inserted word).
    static let zshDefaultSubcommand = """
        # sockdiag without a subcommand lists sockets (`list` is the default subcommand): a command line whose first
        # argument is an option (typed, or being typed) completes as `sockdiag list ...`.
        _sockdiag_default_subcommand() {
            if (( CURRENT >= 2 )) && [[ "${words[2]}" == -* ]]; then
                words=("${words[1]}" list "${words[@]:1}")
                (( CURRENT++ ))
            fi
            _sockdiag "${@}"
        }

        compdef _sockdiag_default_subcommand sockdiag
        if [[ "${funcstack[1]}" = _sockdiag ]]; then
            _sockdiag_default_subcommand "${@}"
        fi

        """

    /// Reads `sockdiag -OPTION …` as `sockdiag list -OPTION …`: the generated script's conditions all parse the
    /// command line through `__sockdiag_tokens`, which this wraps.
    static let fishDefaultSubcommand = """

        # sockdiag without a subcommand lists sockets (`list` is the default subcommand): a command line whose first
        # argument is an option (typed, or being typed) completes as `sockdiag list ...`.
        functions --copy __sockdiag_tokens __sockdiag_tokens_as_typed
        function __sockdiag_tokens
            set -l tokens (__sockdiag_tokens_as_typed $argv)
            set -l first $tokens[2]
            if test (count $tokens) -lt 2
                set first (commandline -ct)
            end
            if string match -q -- '-*' "$first"
                set tokens $tokens[1] list $tokens[2..]
            end
            printf '%s\n' $tokens
        end

        """

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
