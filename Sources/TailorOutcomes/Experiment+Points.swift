import TailorModel

extension ExperimentDefinition {
    /// Decision points an experiment may run on at once.
    package static let maximumPoints = 16

    /// The rules of an experiment on decision points: points or placements, never both
    /// (a cell has one placement column, and a point's treatments are not scoring
    /// settings); its variants name treatments, so they carry a name and a share only.
    func validatePoints() throws(ValidationError) {
        let points = points ?? []
        if !placements.isEmpty {
            throw ValidationError(field: "points", problem: "an experiment runs on placements or on decision points, not both")
        }
        try Check.count(points.count, "points", max: Self.maximumPoints, allowEmpty: false)
        var seen = Set<String>()
        for (index, point) in points.enumerated() {
            guard ConfigID.isValid(point) else {
                throw ValidationError(field: "points[\(index)]", problem: "a decision point id has \(ConfigID.pattern)")
            }
            // The point stands in a cell's placement column: it must not read as one.
            if Placement(rawValue: point) != nil {
                throw ValidationError(field: "points[\(index)]", problem: "'\(point)' is a placement; list it under placements")
            }
            if !seen.insert(point).inserted {
                throw ValidationError(field: "points[\(index)]", problem: "names a decision point twice")
            }
        }
        for (index, variant) in variants.enumerated() {
            let settings: [(String, Bool)] = [
                ("strategy", variant.strategy != nil), ("weights", variant.weights != nil), ("mix", variant.mix != nil),
                ("k", variant.k != nil), ("control", variant.control != nil),
            ]
            if let (name, _) = settings.first(where: \.1) {
                throw ValidationError(
                    field: "variants[\(index)].\(name)",
                    problem: "a variant on decision points names a treatment (name and share only); \(name) is for placements"
                )
            }
        }
    }
}
