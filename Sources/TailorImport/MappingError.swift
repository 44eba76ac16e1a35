/// A record an import refuses: the path of the offending field in the record
/// (`properties.product_id`, `events[1].params.items`, `price`) and what is wrong.
///
/// The importer adds where the record was (its line), so a person reads
/// "line 37: price: not a number".
package struct MappingError: Error, Sendable, Hashable, CustomStringConvertible {
    package var field: String
    package var problem: String

    package init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }

    package var description: String { field.isEmpty ? problem : "\(field): \(problem)" }
}
