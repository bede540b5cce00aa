/// Parses ss's filter language for UNIX sockets: `[ state STATE | exclude STATE ]... [ EXPRESSION ]` where the
/// predicates are `src [=|!=] GLOB` and `dst [=|!=] GLOB` (``UnixPathFilter``), with an optional `unix:` prefix on
/// the glob, combined as in ``FilterParser``: `and` (`&`, `&&`, or nothing), `or` (`|`, `||`), `not` (`!`) and
/// parentheses, `and` and `or` with equal precedence from left to right.
///
/// ss's other predicates (`sport`, `dev`, `fwmark`, …) and other families' prefixes (`inet:`, …) say nothing about
/// UNIX sockets and are refused.
public struct UnixFilterParser {
    /// The result of parsing.
    public struct Result: Hashable, Sendable {
        /// The states named by `state` and `exclude`, or `nil` when there were none.
        public var states: StateSet?
        /// The name filter (``UnixPathFilter/all`` when there was no expression).
        public var filter: UnixPathFilter
    }

    private var tokens: [FilterParser.Token]
    private var position = 0
    private var depth = 0
    private let endColumn: Int

    /// Parses the filter given as command-line words (joined by single spaces, as ss does).
    /// - Throws: ``FilterSyntaxError`` naming the offending token and its column.
    public static func parse(_ arguments: [String]) throws(FilterSyntaxError) -> Result {
        let text = arguments.joined(separator: " ")
        var parser = UnixFilterParser(tokens: text.isEmpty ? [] : FilterParser.tokenize(text), end: text)
        return try parser.parseFilter()
    }

    /// Whether the filter names a UNIX socket explicitly: one of its words starts with ss's `unix:` prefix.
    public static func namesUnixSockets(_ arguments: [String]) -> Bool {
        FilterParser.tokenize(arguments.joined(separator: " ")).contains { $0.text.hasPrefix("unix:") }
    }

    private init(tokens: [FilterParser.Token], end text: String) {
        self.tokens = tokens
        endColumn = text.unicodeScalars.count + 1
    }

    private mutating func parseFilter() throws(FilterSyntaxError) -> Result {
        var states: StateSet?
        while let token = peek(), ["state", "exclude", "excl"].contains(token.text) {
            position += 1
            guard let name = next() else {
                throw FilterSyntaxError("expected a state name after '\(token.text)'", column: endColumn)
            }
            guard let named = StateSet.parse(name.text) else {
                throw FilterSyntaxError("unknown state '\(name.text)'", column: name.column)
            }
            states = token.text == "state" ? (states ?? []).union(named) : (states ?? .all).subtracting(named)
        }
        guard peek() != nil else { return Result(states: states, filter: .all) }
        let filter = try parseRun()
        if let extra = peek() {
            throw FilterSyntaxError(extra.text == ")" ? "unbalanced ')'" : "unexpected '\(extra.text)'", column: extra.column)
        }
        return Result(states: states, filter: filter)
    }

    /// Operands joined by `and`, `or` or nothing, left to right (each one more level of the tree: a run is
    /// limited as nesting is).
    private mutating func parseRun() throws(FilterSyntaxError) -> UnixPathFilter {
        var filter = try parseNot()
        var operands = 1
        while let token = peek(), token.text != ")" {
            operands += 1
            guard depth + operands <= FilterParser.maximumDepth else {
                throw FilterSyntaxError("more than \(FilterParser.maximumDepth) terms", column: token.column)
            }
            let isOr = ["or", "|", "||"].contains(token.text)
            if isOr || ["and", "&", "&&"].contains(token.text) {
                position += 1
                guard peek() != nil else {
                    throw FilterSyntaxError("expected an expression after '\(token.text)'", column: endColumn)
                }
            }
            let rhs = try parseNot()
            filter = isOr ? .or(filter, rhs) : .and(filter, rhs)
        }
        return filter
    }

    private mutating func parseNot() throws(FilterSyntaxError) -> UnixPathFilter {
        guard let token = peek() else { throw FilterSyntaxError("expected an expression", column: endColumn) }
        try enter(token)
        defer { depth -= 1 }
        if token.text == "not" || token.text == "!" {
            position += 1
            return .not(try parseNot())
        }
        if token.text == "(" {
            position += 1
            let inner = try parseRun()
            guard let close = next(), close.text == ")" else {
                throw FilterSyntaxError("unclosed '('", column: token.column)
            }
            return inner
        }
        return try parsePredicate()
    }

    /// Counts one level of nesting; refuses more than ``FilterParser/maximumDepth``.
    private mutating func enter(_ token: FilterParser.Token) throws(FilterSyntaxError) {
        depth += 1
        guard depth <= FilterParser.maximumDepth else {
            throw FilterSyntaxError("nested deeper than \(FilterParser.maximumDepth) levels", column: token.column)
        }
    }

    /// `src [=|==|eq|!=|ne|neq] GLOB`, `dst …`.
    private mutating func parsePredicate() throws(FilterSyntaxError) -> UnixPathFilter {
        let token = next()!
        guard token.text == "src" || token.text == "dst" else {
            throw FilterSyntaxError(
                "'\(token.text)' does not apply to UNIX sockets: their filter takes src and dst with a path glob",
                column: token.column
            )
        }
        var negate = false
        if let op = peek(), let comparison = FilterParser.Comparison(op.text) {
            guard comparison == .equal || comparison == .notEqual else {
                throw FilterSyntaxError("'\(token.text)' takes = or !=, not '\(op.text)'", column: op.column)
            }
            negate = comparison == .notEqual
            position += 1
        }
        guard let operand = next(), !FilterParser.isKeywordOrOperator(operand.text) else {
            throw FilterSyntaxError("expected a path glob after '\(token.text)'", column: endColumn)
        }
        var pattern = Substring(operand.text)
        if pattern.hasPrefix("unix:") {
            pattern = pattern.dropFirst(5)
        } else if let colon = pattern.firstIndex(of: ":"),
            ["inet", "inet6", "link", "netlink", "vsock"].contains(pattern[..<colon])
        {
            throw FilterSyntaxError(
                "'\(operand.text)' is a \(pattern[..<colon]): address, not a UNIX path glob",
                column: operand.column
            )
        }
        let side: FilterSide = token.text == "src" ? .local : .peer
        let filter = UnixPathFilter.name(side, pattern: String(pattern))
        return negate ? .not(filter) : filter
    }

    private func peek() -> FilterParser.Token? {
        position < tokens.count ? tokens[position] : nil
    }

    private mutating func next() -> FilterParser.Token? {
        defer { position += 1 }
        return peek()
    }
}
