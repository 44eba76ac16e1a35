/// Why a segment rule was refused, and where: `position` is the 1-based character
/// where the problem starts, so an editor can point at it.
package struct RuleError: Error, Sendable, Equatable, CustomStringConvertible {
    package var position: Int
    package var problem: String

    package init(position: Int, problem: String) {
        self.position = position
        self.problem = problem
    }

    package var description: String { "at \(position): \(problem)" }
}
