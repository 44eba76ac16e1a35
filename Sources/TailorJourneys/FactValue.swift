/// One fact's value as answers show it (the facts that decided a segment).
package enum FactValue: Sendable, Hashable, Encodable {
    case number(Double)
    case text(String)
    case flag(Bool)
    case list([String])

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let value): try container.encode(value)
        case .text(let value): try container.encode(value)
        case .flag(let value): try container.encode(value)
        case .list(let value): try container.encode(value)
        }
    }
}

extension ShopperFacts {
    /// The value of the catalog's fact `name` (its type's empty value when unset), nil
    /// for a name the catalog does not have.
    package func value(of name: String) -> FactValue? {
        switch FactCatalog.byName[name]?.type {
        case .number: .number(number(name))
        case .text: .text(text(name))
        case .flag: .flag(flag(name))
        case .textList: .list(list(name))
        case nil: nil
        }
    }

    /// Every fact of the catalog with its value, by name.
    package var all: [String: FactValue] {
        Dictionary(uniqueKeysWithValues: FactCatalog.all.compactMap { fact in value(of: fact.name).map { (fact.name, $0) } })
    }
}
