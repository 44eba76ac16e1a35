import Foundation
import TailorModel

/// A decision point as a shop writes it (`PUT /v1/decision-points/{id}`): the
/// treatments a storefront slot can show, and which segment gets which. Rules are
/// tried in order: the first whose segment the shopper is in and whose treatment is
/// not capped for the shopper wins; otherwise `default`, if it is not capped either.
package struct DecisionPointDefinition: Codable, Sendable, Hashable {
    package var description: String?
    package var treatments: [Treatment]
    package var rules: [Rule]?
    /// The treatment when no rule applies (none: the decision answers no treatment).
    package var `default`: String?

    /// One thing the slot can show: the payload is the shop's own JSON, returned as given.
    package struct Treatment: Codable, Sendable, Hashable {
        package var id: String
        package var payload: JSONValue
        package var cap: Cap?

        package init(id: String, payload: JSONValue, cap: Cap? = nil) {
            self.id = id
            self.payload = payload
            self.cap = cap
        }
    }

    /// At most `times` decisions of the treatment per shopper within the last
    /// `windowSeconds`; past it the treatment is skipped for that shopper.
    package struct Cap: Codable, Sendable, Hashable {
        package var times: Int
        package var windowSeconds: Int

        package init(times: Int, windowSeconds: Int) {
            self.times = times
            self.windowSeconds = windowSeconds
        }
    }

    package struct Rule: Codable, Sendable, Hashable {
        package var segment: String
        package var treatment: String

        package init(segment: String, treatment: String) {
            self.segment = segment
            self.treatment = treatment
        }
    }

    package static let maximumTreatments = 32
    package static let maximumRules = 64
    package static let maximumPayloadBytes = 16 * 1024
    package static let capTimes = 1...1000
    package static let capWindowSeconds = 60...31_536_000

    package init(description: String? = nil, treatments: [Treatment], rules: [Rule]? = nil, default: String? = nil) {
        self.description = description
        self.treatments = treatments
        self.rules = rules
        self.default = `default`
    }

    package func treatment(id: String) -> Treatment? { treatments.first { $0.id == id } }

    /// Refuses an id that is not a ``ConfigID`` or is a placement's name: placements
    /// are asked for through the decisions API directly, not defined here.
    package static func checkID(_ id: String) throws(ValidationError) {
        guard ConfigID.isValid(id) else { throw ValidationError(field: "id", problem: "a decision point id has \(ConfigID.pattern)") }
        if Placement(rawValue: id) != nil {
            throw ValidationError(
                field: "id",
                problem: "'\(id)' is a recommendation placement (\(Placement.allCases.map(\.rawValue).joined(separator: ", "))): ask for it through the decisions API; choose another id"
            )
        }
    }

    /// Checks every field; an error names its path (`treatments[2].cap.windowSeconds`).
    package func validate() throws(ValidationError) {
        if let description, description.count > SegmentDefinition.maximumDescriptionCharacters {
            throw ValidationError(field: "description", problem: "is longer than \(SegmentDefinition.maximumDescriptionCharacters) characters")
        }
        try Check.count(treatments.count, "treatments", max: Self.maximumTreatments, allowEmpty: false)
        var seen: Set<String> = []
        for (index, treatment) in treatments.enumerated() {
            let field = "treatments[\(index)]"
            guard ConfigID.isValid(treatment.id) else { throw ValidationError(field: "\(field).id", problem: "a treatment id has \(ConfigID.pattern)") }
            guard seen.insert(treatment.id).inserted else {
                throw ValidationError(field: "\(field).id", problem: "'\(treatment.id)' is already the id of an earlier treatment")
            }
            let size = (try? JSONEncoder().encode(treatment.payload).count) ?? Int.max
            if size > Self.maximumPayloadBytes {
                throw ValidationError(field: "\(field).payload", problem: "is \(size) bytes as JSON; at most \(Self.maximumPayloadBytes) are allowed")
            }
            if let cap = treatment.cap {
                if !Self.capTimes.contains(cap.times) {
                    throw ValidationError(field: "\(field).cap.times", problem: "must be an integer from \(Self.capTimes.lowerBound) to \(Self.capTimes.upperBound)")
                }
                if !Self.capWindowSeconds.contains(cap.windowSeconds) {
                    throw ValidationError(
                        field: "\(field).cap.windowSeconds",
                        problem: "must be an integer from \(Self.capWindowSeconds.lowerBound) (a minute) to \(Self.capWindowSeconds.upperBound) (a year)"
                    )
                }
            }
        }
        let rules = rules ?? []
        try Check.count(rules.count, "rules", max: Self.maximumRules)
        for (index, rule) in rules.enumerated() {
            guard ConfigID.isValid(rule.segment) else {
                throw ValidationError(field: "rules[\(index)].segment", problem: "a segment id has \(ConfigID.pattern)")
            }
            guard seen.contains(rule.treatment) else { throw unknownTreatment(rule.treatment, "rules[\(index)].treatment") }
        }
        if let fallback = `default`, !seen.contains(fallback) { throw unknownTreatment(fallback, "default") }
    }

    /// The first rule naming a segment not in `known`, as the error to answer.
    package func unknownSegment(known: (String) -> Bool) -> ValidationError? {
        for (index, rule) in (rules ?? []).enumerated() where !known(rule.segment) {
            return ValidationError(field: "rules[\(index)].segment", problem: "there is no segment '\(rule.segment)' (see GET /v1/segments)")
        }
        return nil
    }

    private func unknownTreatment(_ id: String, _ field: String) -> ValidationError {
        ValidationError(field: field, problem: "names '\(id)', which is not one of the treatments (\(treatments.map(\.id).joined(separator: ", ")))")
    }
}
