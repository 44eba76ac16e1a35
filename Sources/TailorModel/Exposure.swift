/// A decision shown to a shopper: its point, the treatment chosen and when the
/// storefront first reported it on screen. What a frequency cap (an exit offer at most
/// once a day) counts, read from the loop's impressions, so a cap is respected on every
/// gateway without a store of its own.
package struct Exposure: Sendable, Hashable {
    package var point: String
    package var treatment: String
    /// The decision's earliest impression (ms since the epoch).
    package var atMillis: Int64

    package init(point: String, treatment: String, atMillis: Int64) {
        self.point = point
        self.treatment = treatment
        self.atMillis = atMillis
    }
}
