#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// sockdiag's lines on standard error: `sockdiag: MESSAGE`, one line each, for notes and for the error it exits
/// with.
enum StandardError {
    /// Writes `sockdiag: MESSAGE` as a line.
    static func note(_ message: String) {
        emit("sockdiag: \(message)\n")
    }

    /// Writes `sockdiag: MESSAGE` as one line (line breaks and tabs become single spaces) and exits with `status`.
    static func fail(_ message: String, status: Int32) -> Never {
        var line = "sockdiag: "
        var lastWasSpace = false
        for character in message {
            if character.isNewline || character == "\t" {
                if !lastWasSpace { line.append(" ") }
                lastWasSpace = true
            } else {
                line.append(character)
                lastWasSpace = character == " "
            }
        }
        while line.last == " " { line.removeLast() }
        line.append("\n")
        emit(line)
        exit(status)
    }

    private static func emit(_ line: String) {
        line.withCString { text in _ = write(STDERR_FILENO, text, strlen(text)) }
    }
}
