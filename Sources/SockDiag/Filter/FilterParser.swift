#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Parses ss's filter language: `[ state STATE | exclude STATE ]... [ EXPRESSION ]`.
///
/// Expressions: `src`/`dst HOST`, `sport`/`dport OP [FAMILY:][ADDR]:PORT` with `= == eq != ne neq < lt > gt <= le leq
/// >= ge geq`, `dev`, `fwmark`, `cgroup` (`=` or `!=`), `autobound`; combined with `and` (`&`, `&&`, or nothing),
/// `or` (`|`, `||`), `not` (`!`) and parentheses. `not` binds tightest; `and` and `or` have equal precedence and
/// group left to right, as ss 6.1 evaluates them (`A or B and C` is `(A or B) and C`). HOST is
/// `[inet:|inet6:]ADDRESS[/LEN][:PORT]` with IPv6 in brackets and `*` for any address or port.
public struct FilterParser {
    /// The result of parsing.
    public struct Result: Hashable, Sendable {
        /// The states named by `state` and `exclude`, or `nil` when there were none.
        public var states: StateSet?
        /// The expression (``FilterExpression/all`` when there was none).
        public var expression: FilterExpression
        /// The family named by an explicit `inet:` or `inet6:` prefix (the last one), to which ss then restricts the
        /// whole dump.
        public var family: AddressFamily?
    }

    /// The deepest nesting accepted: open parentheses, `not`s in a row, and levels of the expression tree (a run of
    /// one operator adds ⌈log₂ n⌉, each change between `and` and `or` one). Deeper input is refused with a
    /// ``FilterSyntaxError`` rather than risk the stack (ss answers "memory exhausted").
    public static let maximumDepth = 256

    struct Token {
        var text: String
        var column: Int
    }

    /// An expression and the number of `not`, `and` and `or` levels on its longest path.
    struct Parsed {
        var expression: FilterExpression
        var depth: Int
    }

    private var tokens: [Token]
    private var position = 0
    private var openParentheses = 0
    private let endColumn: Int
    private var explicitFamily: AddressFamily?

    /// Parses the filter given as command-line words (joined by single spaces, as ss does).
    /// - Parameter arguments: e.g. `["state", "time-wait", "( sport = :8000 or dport = :8000 )"]`.
    /// - Returns: The states and the expression.
    /// - Throws: ``FilterSyntaxError`` naming the offending token and its column.
    public static func parse(_ arguments: [String]) throws(FilterSyntaxError) -> Result {
        var parser = FilterParser(text: arguments.joined(separator: " "))
        return try parser.parseFilter()
    }

    init(text: String) {
        tokens = text.isEmpty ? [] : Self.tokenize(text)
        endColumn = text.unicodeScalars.count + 1
    }

    /// Splits on white space; `( ) ! = < > & |` and their two-character forms are tokens even when attached.
    /// Works on Unicode scalars with `switch`es (no sets or grapheme breaking: this runs on every start-up).
    static func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = []
        let scalars = Array(text.unicodeScalars)
        func isOperator(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar {
            case "(", ")", "!", "=", "<", ">", "&", "|": return true
            default: return false
            }
        }
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar {
            case " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}": return true
            default: return scalar.properties.isWhitespace
            }
        }
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if isSpace(scalar) {
                index += 1
                continue
            }
            if isOperator(scalar) {
                let next = index + 1 < scalars.count ? scalars[index + 1] : " "
                let isPair: Bool
                switch (scalar, next) {
                case ("!", "="), ("=", "="), ("<", "="), (">", "="), ("&", "&"), ("|", "|"): isPair = true
                default: isPair = false
                }
                let length = isPair ? 2 : 1
                var token = ""
                token.unicodeScalars.append(contentsOf: scalars[index..<index + length])
                tokens.append(Token(text: token, column: index + 1))
                index += length
                continue
            }
            let start = index
            while index < scalars.count && !isSpace(scalars[index]) && !isOperator(scalars[index]) {
                index += 1
            }
            var token = ""
            token.unicodeScalars.append(contentsOf: scalars[start..<index])
            tokens.append(Token(text: token, column: start + 1))
        }
        return tokens
    }

    // MARK: Grammar

    mutating func parseFilter() throws(FilterSyntaxError) -> Result {
        var states: StateSet?
        while let token = peek(), ["state", "exclude", "excl"].contains(token.text) {
            position += 1
            guard let name = next() else {
                throw FilterSyntaxError("expected a state name after '\(token.text)'", column: endColumn)
            }
            guard let named = StateSet.parse(name.text) else {
                throw FilterSyntaxError(
                    "unknown state '\(name.text)' (valid: \(StateSet.names.map(\.name).joined(separator: ", ")))",
                    column: name.column
                )
            }
            if token.text == "state" {
                states = (states ?? []).union(named)
            } else {
                states = (states ?? .all).subtracting(named)
            }
        }
        guard peek() != nil else { return Result(states: states, expression: .all, family: nil) }
        let expression = try parseOr().expression
        if let extra = peek() {
            throw FilterSyntaxError(
                extra.text == ")" ? "unbalanced ')'" : "unexpected '\(extra.text)'",
                column: extra.column
            )
        }
        return Result(states: states, expression: expression, family: explicitFamily)
    }

    /// Notes an explicit `inet:`/`inet6:` prefix, which ss applies to the whole dump.
    private mutating func noteFamilyPrefix(_ text: String) {
        if text.hasPrefix("inet6:") {
            explicitFamily = .inet6
        } else if text.hasPrefix("inet:") {
            explicitFamily = .inet
        }
    }

    /// `and`, `or` and juxtaposition, left to right with equal precedence: ss 6.1 reads `A or B and C` as
    /// `(A or B) and C` (checked against its output), whatever its grammar file suggests. A run of one operator
    /// becomes a balanced tree (``FilterExpression/balanced(_:or:)``), so a long chain is shallow; each change of
    /// operator nests what came before one level deeper.
    mutating func parseOr() throws(FilterSyntaxError) -> Parsed {
        var run = [try parseNot()]
        var runIsOr: Bool?
        var runColumn = 0
        while let token = peek(), token.text != ")" {
            let isOr = ["or", "|", "||"].contains(token.text)
            if isOr || ["and", "&", "&&"].contains(token.text) {
                position += 1
                guard peek() != nil else {
                    throw FilterSyntaxError("expected an expression after '\(token.text)'", column: endColumn)
                }
            }
            if let runIsOr, runIsOr != isOr {
                run = [try Self.join(run, or: runIsOr, column: runColumn)]
            }
            if runIsOr != isOr { runColumn = token.column }
            runIsOr = isOr
            run.append(try parseNot())
        }
        guard let runIsOr else { return run[0] }
        return try Self.join(run, or: runIsOr, column: runColumn)
    }

    /// `not`s (iterated, not recursed) and what they apply to.
    mutating func parseNot() throws(FilterSyntaxError) -> Parsed {
        var negations: [Token] = []
        while let token = peek(), token.text == "not" || token.text == "!" {
            position += 1
            guard peek() != nil else {
                throw FilterSyntaxError("expected an expression after '\(token.text)'", column: endColumn)
            }
            negations.append(token)
            try Self.checkDepth(negations.count, column: token.column)
        }
        var parsed = try parsePrimary()
        for token in negations.reversed() {
            parsed = Parsed(expression: .not(parsed.expression), depth: parsed.depth + 1)
            try Self.checkDepth(parsed.depth, column: token.column)
        }
        return parsed
    }

    /// The run's operands joined by its operator, as a balanced tree.
    private static func join(_ run: [Parsed], or: Bool, column: Int) throws(FilterSyntaxError) -> Parsed {
        let expression = FilterExpression.balanced(run.map(\.expression)[...], or: or)
        var levels = 0
        while 1 << levels < run.count { levels += 1 }
        let parsed = Parsed(expression: expression, depth: run.map(\.depth).max()! + levels)
        try checkDepth(parsed.depth, column: column)
        return parsed
    }

    /// Throws when `depth` passes ``maximumDepth``.
    private static func checkDepth(_ depth: Int, column: Int) throws(FilterSyntaxError) {
        guard depth <= maximumDepth else {
            throw FilterSyntaxError("nested deeper than \(maximumDepth) levels", column: column)
        }
    }

    mutating func parsePrimary() throws(FilterSyntaxError) -> Parsed {
        guard let token = peek() else {
            throw FilterSyntaxError("expected an expression", column: endColumn)
        }
        if token.text == "(" {
            position += 1
            openParentheses += 1
            try Self.checkDepth(openParentheses, column: token.column)
            let inner = try parseOr()
            guard let close = next(), close.text == ")" else {
                throw FilterSyntaxError("unclosed '('", column: token.column)
            }
            openParentheses -= 1
            return inner
        }
        let predicate = try parsePredicate()
        return Parsed(expression: predicate, depth: predicate.isCompound ? 1 : 0)
    }

    /// A predicate: `src`, `dst`, `sport`, `dport`, `dev`, `fwmark`, `cgroup`, `autobound` (with its negation when
    /// the operator is `!=`).
    mutating func parsePredicate() throws(FilterSyntaxError) -> FilterExpression {
        guard let token = next() else {
            throw FilterSyntaxError("expected an expression", column: endColumn)
        }
        switch token.text {
        case "src", "dst":
            let side: FilterSide = token.text == "src" ? .local : .peer
            var negate = false
            if let op = peek(), let comparison = Comparison(op.text) {
                guard comparison == .equal || comparison == .notEqual else {
                    throw FilterSyntaxError("'\(token.text)' takes = or !=, not '\(op.text)'", column: op.column)
                }
                negate = comparison == .notEqual
                position += 1
            }
            guard let host = next() else {
                throw FilterSyntaxError("expected an address after '\(token.text)'", column: endColumn)
            }
            let condition = try Self.hostCondition(host.text, column: host.column)
            noteFamilyPrefix(host.text)
            return negate ? .not(.host(side, condition)) : .host(side, condition)
        case "sport", "dport":
            let side: FilterSide = token.text == "sport" ? .local : .peer
            var comparison = Comparison.equal
            var context = token.text
            if let op = peek(), let parsed = Comparison(op.text) {
                comparison = parsed
                context += " \(op.text)"
                position += 1
            }
            guard let operand = next(), !Self.isKeywordOrOperator(operand.text) else {
                throw FilterSyntaxError("expected port after '\(context)'", column: peekColumn(fallback: endColumn))
            }
            let condition = try Self.hostCondition(operand.text, column: operand.column, portRequired: true)
            noteFamilyPrefix(operand.text)
            if comparison == .equal || comparison == .notEqual {
                return comparison == .equal ? .host(side, condition) : .not(.host(side, condition))
            }
            guard condition.address == nil, condition.family == nil, let port = condition.port else {
                throw FilterSyntaxError(
                    "'\(context)' compares ports only: write ':PORT', not '\(operand.text)'",
                    column: operand.column
                )
            }
            switch comparison {
            case .atLeast: return .portAtLeast(side, port)
            case .atMost: return .portAtMost(side, port)
            case .greater: return .not(.portAtMost(side, port))
            case .less: return .not(.portAtLeast(side, port))
            case .equal, .notEqual: fatalError("handled above")
            }
        case "dev":
            let (negate, operand) = try equalityOperand(after: token, what: "an interface name or index")
            let index = try Self.interfaceIndex(operand.text, column: operand.column)
            return negate ? .not(.device(index)) : .device(index)
        case "fwmark":
            let (negate, operand) = try equalityOperand(after: token, what: "a mark[/mask]")
            let parts = operand.text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let mark = Self.number(parts[0]), parts.count == 1 || Self.number(parts[1]) != nil else {
                throw FilterSyntaxError("bad fwmark '\(operand.text)': expected MARK or MARK/MASK", column: operand.column)
            }
            let mask = parts.count == 2 ? Self.number(parts[1])! : UInt32.max
            // As the kernel and ss: `(mark & mask) == MARK`, MARK as written (bits outside the mask never match).
            let expression = FilterExpression.mark(value: mark, mask: mask)
            return negate ? .not(expression) : expression
        case "cgroup":
            let (negate, operand) = try equalityOperand(after: token, what: "a cgroup path")
            let id = try Self.cgroupID(operand.text, column: operand.column)
            return negate ? .not(.cgroup(id)) : .cgroup(id)
        case "autobound":
            return .autobound
        case ")":
            throw FilterSyntaxError("unbalanced ')'", column: token.column)
        default:
            throw FilterSyntaxError(
                "unknown predicate '\(token.text)' (expected src, dst, sport, dport, dev, fwmark, cgroup, autobound, "
                    + "not, or '(')",
                column: token.column
            )
        }
    }

    /// `= X`, `== X`, `eq X`, `!= X`, `ne X`, `neq X` (the operator may be left out for `=`).
    private mutating func equalityOperand(after keyword: Token, what: String) throws(FilterSyntaxError) -> (Bool, Token) {
        var negate = false
        var context = keyword.text
        if let op = peek(), let comparison = Comparison(op.text) {
            guard comparison == .equal || comparison == .notEqual else {
                throw FilterSyntaxError("'\(keyword.text)' takes = or !=, not '\(op.text)'", column: op.column)
            }
            negate = comparison == .notEqual
            context += " \(op.text)"
            position += 1
        }
        guard let operand = next(), !Self.isKeywordOrOperator(operand.text) else {
            throw FilterSyntaxError("expected \(what) after '\(context)'", column: peekColumn(fallback: endColumn))
        }
        return (negate, operand)
    }

    // MARK: Tokens

    private func peek() -> Token? {
        position < tokens.count ? tokens[position] : nil
    }

    private mutating func next() -> Token? {
        defer { position += 1 }
        return peek()
    }

    /// The column of the token just consumed when it was the wrong kind, or `fallback` past the end.
    private func peekColumn(fallback: Int) -> Int {
        position - 1 < tokens.count && position >= 1 ? tokens[position - 1].column : fallback
    }

    static func isKeywordOrOperator(_ text: String) -> Bool {
        ["(", ")", "!", "&", "&&", "|", "||", "and", "or", "not"].contains(text) || Comparison(text) != nil
    }

    enum Comparison {
        case equal, notEqual, less, greater, atMost, atLeast

        init?(_ text: String) {
            switch text {
            case "=", "==", "eq": self = .equal
            case "!=", "ne", "neq": self = .notEqual
            case "<", "lt": self = .less
            case ">", "gt": self = .greater
            case "<=", "le", "leq": self = .atMost
            case ">=", "ge", "geq": self = .atLeast
            default: return nil
            }
        }
    }

    // MARK: Operands

    /// Parses `[inet:|inet6:]ADDRESS[/LEN][:PORT]`, `[IPV6][/LEN][:PORT]`, `*[:PORT]`, `:PORT`.
    static func hostCondition(_ text: String, column: Int, portRequired: Bool = false) throws(FilterSyntaxError)
        -> HostCondition
    {
        var rest = Substring(text)
        var condition = HostCondition()
        if rest.hasPrefix("inet6:") {
            condition.family = .inet6
            rest = rest.dropFirst(6)
        } else if rest.hasPrefix("inet:") {
            condition.family = .inet
            rest = rest.dropFirst(5)
        }
        func bad(_ why: String) -> FilterSyntaxError {
            FilterSyntaxError("bad address '\(text)': \(why)", column: column)
        }
        var addressPart: Substring
        var portPart: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw bad("missing ']'") }
            addressPart = rest[rest.index(after: rest.startIndex)..<close]
            var after = rest[rest.index(after: close)...]
            if after.hasPrefix("/") {
                // [ADDR]/LEN[:PORT]
                let colon = after.firstIndex(of: ":")
                addressPart = rest[rest.index(after: rest.startIndex)..<close] + after[..<(colon ?? after.endIndex)]
                after = colon.map { after[$0...] } ?? ""
            }
            if after.hasPrefix(":") {
                portPart = after.dropFirst()
            } else if !after.isEmpty {
                throw bad("unexpected '\(after)' after ']'")
            }
            if condition.family == nil { condition.family = .inet6 }
        } else if rest.filter({ $0 == ":" }).count >= 2 {
            // A bare IPv6 address: no port can follow without brackets.
            addressPart = rest
            if condition.family == nil { condition.family = .inet6 }
        } else if let colon = rest.lastIndex(of: ":") {
            addressPart = rest[..<colon]
            portPart = rest[rest.index(after: colon)...]
        } else if portRequired {
            // ss also accepts a bare port number for sport/dport.
            addressPart = ""
            portPart = rest
        } else {
            addressPart = rest
        }

        if let portPart, portPart != "*" {
            guard let port = servicePort(portPart) else {
                throw FilterSyntaxError(
                    portPart.isEmpty
                        ? "expected port after ':' in '\(text)'"
                        : "bad port '\(portPart)': expected a number from 0 to 65535 or a service name",
                    column: column
                )
            }
            condition.port = port
        } else if portRequired && portPart == nil {
            throw FilterSyntaxError("expected :PORT in '\(text)'", column: column)
        }

        if addressPart.isEmpty || addressPart == "*" {
            return condition
        }
        var prefix: Int?
        if let slash = addressPart.firstIndex(of: "/") {
            guard let length = Int(addressPart[addressPart.index(after: slash)...]), length >= 0 else {
                throw bad("bad prefix length")
            }
            prefix = length
            addressPart = addressPart[..<slash]
        }
        if condition.family != .inet6, let v4 = partialIPv4(addressPart) {
            if condition.family == nil { condition.family = .inet }
            guard prefix ?? 32 <= 32 else { throw bad("an IPv4 prefix is at most /32") }
            condition.address = .v4(v4.address)
            condition.prefixLength = UInt8(prefix ?? v4.impliedLength)
        } else if condition.family != .inet, let v6 = IPv6Address(parsing: addressPart) {
            condition.family = .inet6
            guard prefix ?? 128 <= 128 else { throw bad("an IPv6 prefix is at most /128") }
            condition.address = .v6(v6)
            condition.prefixLength = UInt8(prefix ?? 128)
        } else if addressPart.first?.isLetter == true && addressPart.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }) {
            throw bad("host names are not resolved; give a numeric address")
        } else {
            throw bad("not an IPv4 or IPv6 address")
        }
        return condition
    }

    /// ss's abbreviated IPv4 forms: `10`, `10.1`, `193.233.7` (missing octets are zero; the implied prefix length
    /// covers the octets given, as in `193.233.7/24`).
    static func partialIPv4(_ text: Substring) -> (address: IPv4Address, impliedLength: Int)? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let octet = UInt32(part), octet <= 255
            else { return nil }
            value = value << 8 | octet
        }
        value <<= UInt32(8 * (4 - parts.count))
        return (IPv4Address(rawValue: value), 8 * parts.count)
    }

    /// A port number, or a service name from /etc/services.
    static func servicePort(_ text: Substring) -> UInt16? {
        if text.allSatisfy(\.isASCII) && !text.isEmpty && text.allSatisfy(\.isNumber) {
            guard text.count <= 5, let value = Int(text), value <= 65535 else { return nil }
            return UInt16(value)
        }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            return nil
        }
        return String(text).withCString { name -> UInt16? in
            guard let entry = getservbyname(name, "tcp") ?? getservbyname(name, "udp") else { return nil }
            return UInt16(bigEndian: UInt16(truncatingIfNeeded: entry.pointee.s_port))
        }
    }

    /// A number in C's notation: decimal, `0x` hex or leading-zero octal.
    static func number(_ text: Substring) -> UInt32? {
        if text.hasPrefix("0x") || text.hasPrefix("0X") { return UInt32(text.dropFirst(2), radix: 16) }
        if text.count > 1 && text.hasPrefix("0") { return UInt32(text.dropFirst(), radix: 8) }
        return UInt32(text)
    }

    static func interfaceIndex(_ text: String, column: Int) throws(FilterSyntaxError) -> UInt32 {
        if let index = UInt32(text) { return index }
        let index = if_nametoindex(text)
        guard index != 0 else {
            throw FilterSyntaxError("no interface named '\(text)'", column: column)
        }
        return index
    }

    /// The id of a cgroup v2 given as a path below the cgroup2 mount (`/system.slice/x.service`) or in full.
    static func cgroupID(_ text: String, column: Int) throws(FilterSyntaxError) -> UInt64 {
        let root = "/sys/fs/cgroup"
        let path = text.hasPrefix(root + "/") || text == root ? text : root + (text.hasPrefix("/") ? "" : "/") + text
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw FilterSyntaxError("no cgroup '\(text)' (\(path): \(Errno.current))", column: column)
        }
        // On cgroup v2 (kernfs) the inode number is the cgroup id.
        return UInt64(info.st_ino)
    }
}

extension HostCondition {
    /// Parses ss's HOST: `[inet:|inet6:]ADDRESS[/LEN][:PORT]`, `[IPV6][/LEN][:PORT]`, `*[:PORT]` or `:PORT`.
    /// - Parameter text: e.g. `127.0.0.1`, `10.0.0.0/8`, `[::1]:8000`, `*:8000`.
    /// - Throws: ``FilterSyntaxError`` (column 1) for anything else.
    public init(parsing text: String) throws(FilterSyntaxError) {
        self = try FilterParser.hostCondition(text, column: 1)
    }
}

extension FilterExpression {
    /// Whether every socket the expression matches must have an address of `family` (a host condition of that
    /// family in a chain of `and`s).
    public func requiresFamily(_ family: AddressFamily) -> Bool {
        chainOperands(or: false).contains { operand in
            if case .host(_, let condition) = operand { condition.family == family } else { false }
        }
    }
}

extension IPv6Address {
    /// Parses IPv6 text (RFC 4291, with `::` and a trailing dotted IPv4 part); `nil` if it is not one.
    init?(parsing text: Substring) {
        var groups: [UInt16] = []
        var gapAt: Int?
        var rest = text
        if rest.hasPrefix("::") {
            gapAt = 0
            rest = rest.dropFirst(2)
        }
        while !rest.isEmpty {
            let end = rest.firstIndex(of: ":") ?? rest.endIndex
            let part = rest[..<end]
            if part.contains(".") {
                guard end == rest.endIndex, let v4 = IPv4Address(part) else { return nil }
                groups.append(UInt16(v4.rawValue >> 16))
                groups.append(UInt16(v4.rawValue & 0xFFFF))
                rest = ""
                break
            }
            guard (1...4).contains(part.count), let group = UInt16(part, radix: 16) else { return nil }
            groups.append(group)
            rest = rest[end...]
            if rest.hasPrefix("::") {
                guard gapAt == nil else { return nil }
                gapAt = groups.count
                rest = rest.dropFirst(2)
            } else if rest.hasPrefix(":") {
                rest = rest.dropFirst()
                if rest.isEmpty { return nil }
            }
        }
        if let gapAt {
            guard groups.count < 8 else { return nil }
            groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: gapAt)
        }
        guard groups.count == 8 else { return nil }
        let high = groups[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = groups[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        self.init(high: high, low: low)
    }
}
