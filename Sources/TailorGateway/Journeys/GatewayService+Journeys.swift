import TailorJourneys

/// A live segment as requests read it: its id, definition and parsed rule.
package typealias LiveSegment = (id: String, definition: SegmentDefinition, rule: SegmentRule)

extension GatewayService {
    /// The live segments in priority order (lower first, ties by id) with their rules
    /// parsed when they were written or merged: what a decision or a recommendation
    /// reads per request, at the cost of a lock and an array copy.
    package var liveSegments: [LiveSegment] {
        segments.entries.map { ($0.id, $0.definition, $0.prepared) }
    }

}
