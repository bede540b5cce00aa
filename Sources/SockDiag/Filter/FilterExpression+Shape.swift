/// Building and walking expressions of any size without recursing once per term: lists of conditions become
/// balanced trees (depth log₂ n), and walks keep their own stack.
extension FilterExpression {
    /// `alternatives[0] or alternatives[1] or …`, as a balanced tree; matches nothing when there are none.
    ///
    /// Prefer it to folding with ``||(_:_:)``, whose chain is as deep as the list is long: evaluating, comparing or
    /// releasing a tree recurses once per level.
    /// - Parameter alternatives: The expressions any of which must hold.
    /// - Returns: A tree as deep as the deepest alternative plus ⌈log₂ n⌉.
    public static func anyOf(_ alternatives: [FilterExpression]) -> FilterExpression {
        alternatives.isEmpty ? .not(.all) : balanced(alternatives[...], or: true)
    }

    /// `conditions[0] and conditions[1] and …`, as a balanced tree; ``all`` when there are none.
    /// - Parameter conditions: The expressions all of which must hold.
    /// - Returns: A tree as deep as the deepest condition plus ⌈log₂ n⌉.
    public static func allOf(_ conditions: [FilterExpression]) -> FilterExpression {
        conditions.isEmpty ? .all : balanced(conditions[...], or: false)
    }

    /// The operands joined by one operator, the left half one larger for an odd count, so that two or three
    /// operands group as a left-to-right chain does (`(a or b) or c`). Recurses log₂ n deep.
    static func balanced(_ operands: ArraySlice<FilterExpression>, or: Bool) -> FilterExpression {
        if operands.count == 1 { return operands[operands.startIndex] }
        let middle = operands.startIndex + (operands.count + 1) / 2
        let lhs = balanced(operands[..<middle], or: or)
        let rhs = balanced(operands[middle...], or: or)
        return or ? .or(lhs, rhs) : .and(lhs, rhs)
    }

    /// Whether this is `not`, `and` or `or`.
    var isCompound: Bool {
        switch self {
        case .not, .and, .or: return true
        default: return false
        }
    }

    /// The operands of the largest tree of `and`s (or of `or`s) at the top of `self`, left to right, found with a
    /// stack of its own; `[self]` when the top is neither.
    func chainOperands(or: Bool) -> [FilterExpression] {
        var operands: [FilterExpression] = []
        var pending = [self]
        while let next = pending.popLast() {
            switch next {
            case .or(let lhs, let rhs) where or, .and(let lhs, let rhs) where !or:
                pending.append(rhs)
                pending.append(lhs)
            default:
                operands.append(next)
            }
        }
        return operands
    }

    /// Whether a predicate (not `not`, `and`, `or`) of the expression satisfies `test`, found with a stack of its
    /// own.
    func containsPredicate(_ test: (FilterExpression) -> Bool) -> Bool {
        var pending = [self]
        while let next = pending.popLast() {
            switch next {
            case .not(let inner): pending.append(inner)
            case .and(let lhs, let rhs), .or(let lhs, let rhs): pending += [rhs, lhs]
            default: if test(next) { return true }
            }
        }
        return false
    }
}
