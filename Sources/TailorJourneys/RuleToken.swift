/// A word of a segment rule and where it starts (a 1-based character position).
struct RuleToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case name(String)
        case number(Double)
        case text(String)
        case symbol(String)
        case end
    }

    var kind: Kind
    var position: Int
}

/// Splits a rule into tokens: names (`cart_value`, `and`, `in`), numbers (`300`,
/// `0.5`), quoted texts (`"mobile"`, `'mobile'`), and the symbols
/// `( ) [ ] , < <= > >= == !=`.
enum RuleTokenizer {
    static func tokens(_ text: String) throws(RuleError) -> [RuleToken] {
        let characters = Array(text)
        var tokens: [RuleToken] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let position = index + 1
            if character.isWhitespace {
                index += 1
            } else if character.isLetter || character == "_" {
                var end = index
                while end < characters.count, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" { end += 1 }
                tokens.append(RuleToken(kind: .name(String(characters[index..<end])), position: position))
                index = end
            } else if character.isNumber || (character == "." && index + 1 < characters.count && characters[index + 1].isNumber) {
                var end = index
                while end < characters.count, characters[end].isNumber || characters[end] == "." { end += 1 }
                let literal = String(characters[index..<end])
                guard let value = Double(literal), value.isFinite else {
                    throw RuleError(position: position, problem: "'\(literal)' is not a number")
                }
                tokens.append(RuleToken(kind: .number(value), position: position))
                index = end
            } else if character == "\"" || character == "'" {
                var end = index + 1
                while end < characters.count, characters[end] != character { end += 1 }
                guard end < characters.count else { throw RuleError(position: position, problem: "a text is not closed with \(character)") }
                tokens.append(RuleToken(kind: .text(String(characters[(index + 1)..<end])), position: position))
                index = end + 1
            } else if let symbol = ["<=", ">=", "==", "!="].first(where: { Self.matches($0, characters, at: index) }) {
                tokens.append(RuleToken(kind: .symbol(symbol), position: position))
                index += 2
            } else if "()[],<>".contains(character) {
                tokens.append(RuleToken(kind: .symbol(String(character)), position: position))
                index += 1
            } else if character == "=" {
                throw RuleError(position: position, problem: "'=' is not an operator: compare with '=='")
            } else {
                throw RuleError(position: position, problem: "unexpected character '\(character)'")
            }
        }
        tokens.append(RuleToken(kind: .end, position: characters.count + 1))
        return tokens
    }

    private static func matches(_ symbol: String, _ characters: [Character], at index: Int) -> Bool {
        let wanted = Array(symbol)
        guard index + wanted.count <= characters.count else { return false }
        return Array(characters[index..<(index + wanted.count)]) == wanted
    }
}
