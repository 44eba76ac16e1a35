/// A segment's rule: a condition over the named shopper facts (``FactCatalog``),
/// parsed and type-checked when it is written (``parse(_:)``), evaluated on each
/// request against the shopper's facts of the moment.
///
/// The language, in full:
///
///     rule       := or
///     or         := and ("or" and)*
///     and        := unary ("and" unary)*
///     unary      := "not" unary | "(" rule ")" | condition
///     condition  := number-fact op number
///                 | text-fact ("==" | "!=") text
///                 | text-fact ["not"] "in" "[" text ("," text)* "]"
///                 | flag-fact [("==" | "!=") ("true" | "false")]
///                 | list-fact "contains" text
///     op         := "<" | "<=" | ">" | ">=" | "==" | "!="
///
/// A condition names its fact first. Texts are quoted with `"` or `'`; keywords
/// (`and`, `or`, `not`, `in`, `contains`, `true`, `false`) are lower case.
package indirect enum SegmentRule: Sendable, Equatable {
    case all([SegmentRule])
    case any([SegmentRule])
    case not(SegmentRule)
    case compare(fact: String, NumberComparison, Double)
    case textEquals(fact: String, String, negated: Bool)
    case textIn(fact: String, [String], negated: Bool)
    case flag(fact: String, Bool)
    case contains(fact: String, String)

    package enum NumberComparison: String, Sendable, Equatable, CaseIterable {
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", equal = "==", notEqual = "!="

        func holds(_ left: Double, _ right: Double) -> Bool {
            switch self {
            case .less: left < right
            case .lessOrEqual: left <= right
            case .greater: left > right
            case .greaterOrEqual: left >= right
            case .equal: left == right
            case .notEqual: left != right
            }
        }
    }

    /// Rules longer than this are refused: a segment is a few conditions, not a program.
    package static let maximumLength = 2_000

    /// The rule `text` states, or why it is refused and where.
    package static func parse(_ text: String) throws(RuleError) -> SegmentRule {
        guard text.count <= maximumLength else {
            throw RuleError(position: maximumLength + 1, problem: "a rule is at most \(maximumLength) characters")
        }
        var parser = RuleParser(tokens: try RuleTokenizer.tokens(text))
        return try parser.rule()
    }

    /// The facts the rule reads, in the order they first appear: what explains a
    /// shopper's membership.
    package var factNames: [String] {
        var names: [String] = []
        func visit(_ rule: SegmentRule) {
            switch rule {
            case .all(let parts), .any(let parts): parts.forEach(visit)
            case .not(let inner): visit(inner)
            case .compare(let fact, _, _), .textEquals(let fact, _, _), .textIn(let fact, _, _), .flag(let fact, _), .contains(let fact, _):
                if !names.contains(fact) { names.append(fact) }
            }
        }
        visit(self)
        return names
    }

    /// Whether a shopper with `facts` is in the segment now.
    package func holds(for facts: ShopperFacts) -> Bool {
        switch self {
        case .all(let parts): parts.allSatisfy { $0.holds(for: facts) }
        case .any(let parts): parts.contains { $0.holds(for: facts) }
        case .not(let inner): !inner.holds(for: facts)
        case .compare(let fact, let comparison, let value): comparison.holds(facts.number(fact), value)
        case .textEquals(let fact, let value, let negated): (facts.text(fact) == value) != negated
        case .textIn(let fact, let values, let negated): values.contains(facts.text(fact)) != negated
        case .flag(let fact, let value): facts.flag(fact) == value
        case .contains(let fact, let value): facts.list(fact).contains(value)
        }
    }
}
