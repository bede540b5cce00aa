internal import CSockDiag

/// The program's command line as the C runtime handed it to `main`, for the executables; read without `/proc`.
///
/// Swift's `CommandLine.arguments` reads `/proc/self/cmdline` on Linux and is empty where `/proc` is not mounted
/// (a minimal container, a chroot, a mount namespace without it): a command would then run its default action and
/// ignore every option it was given. glibc calls `.init_array` functions with `argc` and `argv`, and CSockDiag
/// keeps them (`process.c`); these are used whenever they were captured, so the command line never depends on
/// `/proc` and is exactly what `main` received.
package enum ProcessArguments {
    /// The arguments, the program name first: the captured ones, else `CommandLine.arguments` (a C library that
    /// does not pass them to `.init_array` functions, such as musl); empty when neither has them.
    package static var current: [String] {
        let count = Int(CSockDiag_process_argc())
        guard count > 0, let vector = CSockDiag_process_argv() else { return CommandLine.arguments }
        return (0..<count).map { index in vector[index].map { String(cString: $0) } ?? "" }
    }

    /// The one line a command gives when it has no command line at all, rather than running its default action.
    package static let unavailableMessage =
        "cannot read the command line: the C library did not pass it and /proc/self/cmdline is unreadable (is /proc mounted?)"
}

extension ProcessArguments {
    /// Whether `word` is `-` followed by digits (and at most one `.` among them), e.g. `-1` or `-0.5`.
    package static func isNegativeNumber(_ word: some StringProtocol) -> Bool {
        guard word.first == "-", word.count > 1, word.last != "." else { return false }
        var sawPoint = false
        for character in word.dropFirst() {
            if character == "." && !sawPoint {
                sawPoint = true
            } else if !character.isASCII || !character.isNumber {
                return false
            }
        }
        return true
    }

    /// `arguments` with each `OPTION -N` (OPTION one that `takesNumber` accepts) written `OPTION=-N`; words after
    /// `--` are left alone.
    ///
    /// ArgumentParser takes every word that starts with `-` for an option, so `--port -1` reads as `--port`
    /// without a value ("Missing value for '--port'") followed by an unknown option; attached, the number is
    /// refused as a value of its option, with the message that says why.
    package static func attachingNegativeNumbers(
        _ arguments: [String],
        where takesNumber: (String) -> Bool
    ) -> [String] {
        var result: [String] = []
        result.reserveCapacity(arguments.count)
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                result += arguments[index...]
                break
            }
            if index + 1 < arguments.count, isNegativeNumber(arguments[index + 1]), takesNumber(argument) {
                result.append("\(argument)=\(arguments[index + 1])")
                index += 2
                continue
            }
            result.append(argument)
            index += 1
        }
        return result
    }
}
