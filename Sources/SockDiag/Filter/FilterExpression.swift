/// A socket filter in ss's expression language, as a tree.
///
/// Parse one from text with ``FilterParser``. The inspector compiles it to `INET_DIAG_REQ_BYTECODE` so the kernel
/// filters while it dumps, and evaluates it in Swift (``matches(_:context:)``) where the kernel cannot.
public indirect enum FilterExpression: Hashable, Sendable {
    /// Matches every socket (an empty filter).
    case all
    /// Matches when the inner expression does not.
    case not(FilterExpression)
    /// Matches when both do.
    case and(FilterExpression, FilterExpression)
    /// Matches when either does.
    case or(FilterExpression, FilterExpression)
    /// `src HOST` / `dst HOST` and `sport = HOST` / `dport = HOST`: the local or peer address lies in a prefix and
    /// the port is equal (each part optional).
    case host(FilterSide, HostCondition)
    /// `sport >= P`, `dport <= P` (`<`, `>` are `not` of these): a port compared with a number.
    case portAtLeast(FilterSide, UInt16)
    /// `sport <= P`, `dport <= P`.
    case portAtMost(FilterSide, UInt16)
    /// `dev = NAME|INDEX`: the socket is bound to that interface (`SO_BINDTODEVICE`).
    case device(UInt32)
    /// `fwmark = MARK[/MASK]`: `socket mark & mask == mark` (the kernel shows marks only to CAP_NET_ADMIN).
    case mark(value: UInt32, mask: UInt32)
    /// `cgroup = PATH`: the socket belongs to the cgroup v2 with this id.
    case cgroup(UInt64)
    /// `autobound`: the local port was chosen by the kernel, not bound by the program: the socket has no bind lock
    /// (which only the kernel can see) and its port lies in the ephemeral range (`net.ipv4.ip_local_port_range`,
    /// which keeps accepted connections out, as ss's userspace check does). Both halves run in the kernel.
    case autobound

    /// `lhs and rhs`, dropping `all` operands.
    public static func && (lhs: FilterExpression, rhs: FilterExpression) -> FilterExpression {
        if lhs == .all { return rhs }
        if rhs == .all { return lhs }
        return .and(lhs, rhs)
    }

    /// `lhs or rhs`.
    public static func || (lhs: FilterExpression, rhs: FilterExpression) -> FilterExpression {
        .or(lhs, rhs)
    }

    /// `sport = P` (or `dport = P`).
    public static func port(_ side: FilterSide, _ port: UInt16) -> FilterExpression {
        .host(side, HostCondition(port: port))
    }

    /// Whether the expression uses a predicate only the kernel can evaluate (`autobound`).
    public var needsKernel: Bool {
        containsPredicate { if case .autobound = $0 { true } else { false } }
    }

    /// Whether the expression uses socket marks (which the kernel reports only to CAP_NET_ADMIN).
    public var usesMarks: Bool {
        containsPredicate { if case .mark = $0 { true } else { false } }
    }

    /// Evaluates the expression on a socket as the kernel's `inet_diag_bc_run()` would.
    ///
    /// For `autobound` only the port-range half can be checked here (the bind lock is visible to the kernel only),
    /// which is why the inspector refuses to evaluate `autobound` outside the kernel. A socket without a reported
    /// mark counts as mark 0, and minisockets and sockets without a reported cgroup count as cgroup 0, as in the
    /// kernel.
    public func matches(_ socket: Socket, context: FilterContext = FilterContext()) -> Bool {
        // A loop down one operand of each `and`/`or` and through every `not`, recursing into the other operand only:
        // a chain of any length (`a or b or c …`, grouped either way) costs no stack per term.
        var node = self
        var negated = false
        while true {
            switch node {
            case .not(let inner):
                negated.toggle()
                node = inner
            case .and(let lhs, let rhs), .or(let lhs, let rhs):
                let isAnd = if case .and = node { true } else { false }
                // `A and B` is B when A holds and false when not; `A or B` is B when A fails and true when not.
                let (first, rest) = lhs.isCompound && !rhs.isCompound ? (rhs, lhs) : (lhs, rhs)
                if first.matches(socket, context: context) != isAnd { return isAnd == negated }
                node = rest
            default:
                return node.predicateMatches(socket, context: context) != negated
            }
        }
    }

    /// Whether a predicate (not `not`, `and`, `or`) holds.
    private func predicateMatches(_ socket: Socket, context: FilterContext) -> Bool {
        switch self {
        case .all: return true
        case .host(let side, let condition):
            return condition.matches(side == .local ? socket.local : socket.peer, family: socket.family)
        case .portAtLeast(let side, let port):
            return (side == .local ? socket.local.port : socket.peer.port) >= port
        case .portAtMost(let side, let port):
            return (side == .local ? socket.local.port : socket.peer.port) <= port
        case .device(let index): return socket.interfaceIndex == index
        case .mark(let value, let mask): return (socket.mark ?? 0) & mask == value
        case .cgroup(let id): return (socket.cgroupID ?? 0) == id
        case .autobound: return context.ephemeralPorts.contains(socket.local.port)
        case .not, .and, .or: return matches(socket, context: context)
        }
    }
}
/// What evaluating a filter in userspace needs to know about the system.
public struct FilterContext: Hashable, Sendable {
    /// The ephemeral port range (`net.ipv4.ip_local_port_range`).
    public var ephemeralPorts: ClosedRange<UInt16>

    /// Creates a context; by default with the kernel's default range 32768…60999.
    public init(ephemeralPorts: ClosedRange<UInt16> = 32768...60999) {
        self.ephemeralPorts = ephemeralPorts
    }

    /// The context of the calling thread's network namespace, read from /proc/sys (the default range when it
    /// cannot be read).
    public static func current() -> FilterContext {
        guard let text = readSmallFile("/proc/sys/net/ipv4/ip_local_port_range") else { return FilterContext() }
        let numbers = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { UInt16($0) }
        guard numbers.count == 2, numbers[0] <= numbers[1] else { return FilterContext() }
        return FilterContext(ephemeralPorts: numbers[0]...numbers[1])
    }
}

/// Which end of a socket a predicate looks at: ``Socket/local`` or ``Socket/peer``.
public enum FilterSide: Hashable, Sendable {
    /// The local end (ss's `src`, `sport`).
    case local
    /// The peer end (ss's `dst`, `dport`).
    case peer

    /// The local end.
    @available(*, deprecated, renamed: "local")
    public static var source: FilterSide { .local }
    /// The peer end.
    @available(*, deprecated, renamed: "peer")
    public static var destination: FilterSide { .peer }
}
