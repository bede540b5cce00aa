extension ProcessArguments {
    /// The shell named by a command line that is exactly `--generate-completion-script SHELL` (or `=SHELL`; `""`
    /// for the option alone, which means the user's shell), for the executables that print their completion
    /// script before ArgumentParser sees the arguments; else `nil`.
    package static func completionShell(requestedBy arguments: [String]) -> String? {
        let request = "--generate-completion-script"
        if arguments == [request] { return "" }
        if arguments.count == 2 && arguments[0] == request { return arguments[1] }
        if arguments.count == 1 && arguments[0].hasPrefix(request + "=") {
            return String(arguments[0].dropFirst(request.count + 1))
        }
        return nil
    }
}
