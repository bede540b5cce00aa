#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The width ss lays its table out for (iproute2's `render_screen_width`).
enum ScreenWidth {
    /// The terminal's width when standard output is one (`TIOCGWINSZ`), else `COLUMNS` when it is a positive number
    /// (as ss since iproute2 6.11: `watch` exports it), else `nil`: the compact layout.
    static func ofStandardOutput() -> Int? {
        if isatty(STDOUT_FILENO) != 0 {
            var size = winsize()
            if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) != -1 && size.ws_col > 0 { return Int(size.ws_col) }
        }
        return columns(getenv("COLUMNS").map { String(cString: $0) })
    }

    /// `COLUMNS` read as ss reads it, with `atoi`: a positive number, digits after optional blanks and sign.
    static func columns(_ text: String?) -> Int? {
        guard let text else { return nil }
        let value = text.withCString { atoi($0) }
        return value > 0 ? Int(value) : nil
    }
}
