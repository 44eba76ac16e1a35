import TailorOutcomes
import Testing

/// The target's first test, so that the package resolves (SwiftPM refuses a test
/// target without sources): the objectives' reward slots never overlap.
@Suite("Objective")
struct ObjectiveIndexTests {
    @Test("each objective has its own reward slot; clicks and conversions are the binary ones")
    func slots() {
        #expect(Set(Objective.allCases.map(\.index)) == Set(0..<Objective.allCases.count))
        #expect(Objective.allCases.filter(\.isBinary) == [.clicks, .conversions])
    }
}
