/// Recursive descent over a rule's tokens (the grammar is on ``SegmentRule``), checking
/// each condition against the fact's type as it goes.
struct RuleParser {
    private let tokens: [RuleToken]
    private var index = 0

    init(tokens: [RuleToken]) {
        self.tokens = tokens
    }

    private static let keywords: Set<String> = ["and", "or", "not", "in", "contains", "true", "false"]

    private var current: RuleToken { tokens[index] }

    private mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    private func isName(_ word: String) -> Bool {
        if case .name(word) = current.kind { return true }
        return false
    }

    private func isSymbol(_ symbol: String) -> Bool {
        if case .symbol(symbol) = current.kind { return true }
        return false
    }

    private func describe(_ token: RuleToken) -> String {
        switch token.kind {
        case .name(let name): "'\(name)'"
        case .number(let number): "the number \(number)"
        case .text(let text): "the text \"\(text)\""
        case .symbol(let symbol): "'\(symbol)'"
        case .end: "the end of the rule"
        }
    }

    private func refuse(_ problem: String) -> RuleError {
        RuleError(position: current.position, problem: problem)
    }

    mutating func rule() throws(RuleError) -> SegmentRule {
        guard current.kind != .end else { throw refuse("a rule needs at least one condition") }
        let rule = try or()
        guard current.kind == .end else { throw refuse("expected 'and', 'or' or the end of the rule, found \(describe(current))") }
        return rule
    }

    private mutating func or() throws(RuleError) -> SegmentRule {
        var parts = [try and()]
        while isName("or") {
            advance()
            parts.append(try and())
        }
        return parts.count == 1 ? parts[0] : .any(parts)
    }

    private mutating func and() throws(RuleError) -> SegmentRule {
        var parts = [try unary()]
        while isName("and") {
            advance()
            parts.append(try unary())
        }
        return parts.count == 1 ? parts[0] : .all(parts)
    }

    private mutating func unary() throws(RuleError) -> SegmentRule {
        if isName("not") {
            advance()
            return .not(try unary())
        }
        if isSymbol("(") {
            let open = current.position
            advance()
            let inner = try or()
            guard isSymbol(")") else {
                throw refuse("expected ')' to close the '(' at \(open), found \(describe(current))")
            }
            advance()
            return inner
        }
        return try condition()
    }

    private mutating func condition() throws(RuleError) -> SegmentRule {
        guard case .name(let name) = current.kind, !Self.keywords.contains(name) else {
            throw refuse("expected a fact's name, found \(describe(current))")
        }
        guard let fact = FactCatalog.byName[name] else {
            throw refuse("'\(name)' is not a fact; facts are \(FactCatalog.all.map(\.name).joined(separator: ", "))")
        }
        advance()
        switch fact.type {
        case .number:
            guard case .symbol(let symbol) = current.kind, let comparison = SegmentRule.NumberComparison(rawValue: symbol) else {
                throw refuse("\(name) is a number: compare it with <, <=, >, >=, == or !=, found \(describe(current))")
            }
            advance()
            guard case .number(let value) = current.kind else {
                throw refuse("\(name) is a number: compare it with a number, found \(describe(current))")
            }
            advance()
            return .compare(fact: name, comparison, value)
        case .text:
            if isSymbol("==") || isSymbol("!=") {
                let negated = isSymbol("!=")
                advance()
                guard case .text(let value) = current.kind else {
                    throw refuse("\(name) is a text: compare it with a quoted text, found \(describe(current))")
                }
                advance()
                return .textEquals(fact: name, value, negated: negated)
            }
            var negated = false
            if isName("not") {
                negated = true
                advance()
            }
            guard isName("in") else {
                throw refuse("\(name) is a text: use ==, != or in [...], found \(describe(current))")
            }
            advance()
            return .textIn(fact: name, try textList(), negated: negated)
        case .flag:
            guard isSymbol("==") || isSymbol("!=") else { return .flag(fact: name, true) }
            let negated = isSymbol("!=")
            advance()
            guard isName("true") || isName("false") else {
                throw refuse("\(name) is true or false: compare it with true or false, found \(describe(current))")
            }
            let value = isName("true")
            advance()
            return .flag(fact: name, value != negated)
        case .textList:
            guard isName("contains") else {
                throw refuse("\(name) is a list: ask whether it contains a text, found \(describe(current))")
            }
            advance()
            guard case .text(let value) = current.kind else {
                throw refuse("contains takes a quoted text, found \(describe(current))")
            }
            advance()
            return .contains(fact: name, value)
        }
    }

    private mutating func textList() throws(RuleError) -> [String] {
        guard isSymbol("[") else { throw refuse("in takes a list such as [\"mobile\", \"tablet\"], found \(describe(current))") }
        advance()
        var values: [String] = []
        while true {
            guard case .text(let value) = current.kind else {
                throw refuse("a list holds quoted texts, found \(describe(current))")
            }
            values.append(value)
            advance()
            if isSymbol(",") {
                advance()
                continue
            }
            guard isSymbol("]") else { throw refuse("expected ',' or ']' in the list, found \(describe(current))") }
            advance()
            return values
        }
    }
}
