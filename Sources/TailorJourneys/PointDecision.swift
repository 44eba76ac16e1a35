import TailorModel

/// A treatment a shopper was shown on a decision point, and when: what caps count.
package typealias ShownTreatment = Exposure

/// What one decision point gets for one shopper now, and why, in words a
/// merchandiser reads.
package struct PointDecision: Sendable, Hashable {
    package var point: String
    /// Nil when nothing applies (no rule matched, no default, or all capped).
    package var treatment: DecisionPointDefinition.Treatment?
    package var why: String
    /// The segment whose rule chose the treatment.
    package var segment: String?

    /// Decides `point` (defined by `definition`) for a shopper in `segments` (ids, in
    /// priority order) who was shown `shown`, at `nowMillis`:
    ///
    /// 1. when an experiment runs on the point, its variant (`experimentVariant`, a
    ///    treatment id) is the treatment, unless capped, in which case nothing is shown
    ///    (another treatment would blur what the experiment measures);
    /// 2. else the first rule, in order, whose segment the shopper is in and whose
    ///    treatment is not capped;
    /// 3. else the default, unless capped;
    /// 4. else nothing.
    package static func decide(
        point: String, definition: DecisionPointDefinition, segments: [String], shown: [ShownTreatment], nowMillis: Int64,
        experiment: String? = nil, experimentVariant: String? = nil
    ) -> PointDecision {
        var skipped: [String] = []
        func capNote(_ treatment: DecisionPointDefinition.Treatment) -> String? {
            guard let cap = treatment.cap else { return nil }
            let since = nowMillis - Int64(cap.windowSeconds) * 1_000
            let times = shown.reduce(0) { $0 + ($1.point == point && $1.treatment == treatment.id && $1.atMillis > since ? 1 : 0) }
            return times >= cap.times ? "'\(treatment.id)' is capped (shown \(times) of \(cap.times) times in \(Self.window(cap.windowSeconds)))" : nil
        }
        if let experiment, let variant = experimentVariant {
            if let treatment = definition.treatment(id: variant) {
                if let capped = capNote(treatment) {
                    return PointDecision(point: point, treatment: nil, why: "experiment '\(experiment)' chose \(capped): nothing is shown")
                }
                return PointDecision(point: point, treatment: treatment, why: "experiment '\(experiment)' chose variant '\(variant)'")
            }
            skipped.append("experiment '\(experiment)''s variant '\(variant)' names no treatment of this point")
        }
        let memberOf = Set(segments)
        for (index, rule) in (definition.rules ?? []).enumerated() where memberOf.contains(rule.segment) {
            guard let treatment = definition.treatment(id: rule.treatment) else { continue }
            if let capped = capNote(treatment) {
                skipped.append("rule \(index + 1) (\(rule.segment)): \(capped)")
                continue
            }
            return PointDecision(
                point: point, treatment: treatment,
                why: Self.sentence("the shopper is in segment '\(rule.segment)' (rule \(index + 1))", skipped), segment: rule.segment
            )
        }
        if let id = definition.default, let treatment = definition.treatment(id: id) {
            if let capped = capNote(treatment) {
                skipped.append("the default \(capped)")
            } else {
                return PointDecision(point: point, treatment: treatment, why: Self.sentence("no rule applies: the default", skipped))
            }
        }
        let nothing = skipped.isEmpty ? "no rule applies and there is no default to show" : "nothing to show"
        return PointDecision(point: point, treatment: nil, why: Self.sentence(nothing, skipped))
    }

    private static func sentence(_ main: String, _ skipped: [String]) -> String {
        skipped.isEmpty ? main : main + "; " + skipped.joined(separator: "; ")
    }

    /// A cap's window in the largest whole unit (`1 d`, `7 d`, `2 h`, `90 s`).
    static func window(_ seconds: Int) -> String {
        for (unit, size) in [("d", 86_400), ("h", 3_600), ("min", 60)] where seconds % size == 0 {
            return "\(seconds / size) \(unit)"
        }
        return "\(seconds) s"
    }
}
