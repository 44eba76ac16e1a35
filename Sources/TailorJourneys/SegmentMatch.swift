/// A segment a shopper is in now, and why: the facts its rule read, with their values.
package struct SegmentMatch: Sendable, Hashable, Encodable {
    package var id: String
    package var description: String?
    package var why: [String: FactValue]

    /// The segments of `segments` (in priority order) a shopper with `facts` is in.
    package static func matches(_ segments: [(id: String, definition: SegmentDefinition, rule: SegmentRule)], facts: ShopperFacts) -> [SegmentMatch] {
        segments.compactMap { segment in
            guard segment.rule.holds(for: facts) else { return nil }
            return SegmentMatch(
                id: segment.id, description: segment.definition.description,
                why: Dictionary(uniqueKeysWithValues: segment.rule.factNames.compactMap { name in facts.value(of: name).map { (name, $0) } })
            )
        }
    }
}
