/// A shopper's facts at one moment, by name (``FactCatalog``). A fact without a value
/// reads as 0, an empty text, false or an empty list.
package struct ShopperFacts: Sendable, Equatable {
    package var numbers: [String: Double] = [:]
    package var texts: [String: String] = [:]
    package var flags: [String: Bool] = [:]
    package var lists: [String: [String]] = [:]

    package init(numbers: [String: Double] = [:], texts: [String: String] = [:], flags: [String: Bool] = [:], lists: [String: [String]] = [:]) {
        self.numbers = numbers
        self.texts = texts
        self.flags = flags
        self.lists = lists
    }

    package func number(_ name: String) -> Double { numbers[name] ?? 0 }
    package func text(_ name: String) -> String { texts[name] ?? "" }
    package func flag(_ name: String) -> Bool { flags[name] ?? false }
    package func list(_ name: String) -> [String] { lists[name] ?? [] }
}
