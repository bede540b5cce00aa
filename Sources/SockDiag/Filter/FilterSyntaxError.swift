/// A filter that does not parse: what was expected and where.
public struct FilterSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong, e.g. "expected port after 'sport ='".
    public let message: String
    /// The 1-based column in the filter text (the arguments joined by single spaces).
    public let column: Int

    /// Creates an error.
    public init(_ message: String, column: Int) {
        self.message = message
        self.column = column
    }

    /// `filter: MESSAGE at column N`.
    public var description: String { "filter: \(message) at column \(column)" }
}
