import Testing
@testable import TailorOutcomes

@Suite struct AssignmentTests {
    @Test func sameShopperAndSaltSameUnit() {
        let unit = Assignment.unit(shopper: "shopper-1", salt: "exp-1")
        #expect(unit == Assignment.unit(shopper: "shopper-1", salt: "exp-1"))
        #expect(unit >= 0 && unit < 1)
    }

    /// Pinned values (computed by an independent implementation): a change here
    /// reshuffles every running experiment's shoppers, and would differ between
    /// gateways of different versions.
    @Test func unitIsPinnedAcrossPlatforms() {
        #expect(Assignment.unit(shopper: "shopper-1", salt: "exp-1") == 0.9347637757831003)
        #expect(Assignment.unit(shopper: "", salt: "") == 0.14838301097631856)
    }

    @Test func sharesAreHonouredOverManyShoppers() {
        let shares = [0.5, 0.3, 0.2]
        var counts = [0, 0, 0]
        let shoppers = 100_000
        for index in 0..<shoppers {
            counts[Assignment.choose(unit: Assignment.unit(shopper: "shopper-\(index)", salt: "exp-1"), probabilities: shares)] += 1
        }
        for (count, share) in zip(counts, shares) {
            #expect(abs(Double(count) / Double(shoppers) - share) < 0.01)
        }
    }

    @Test func aNewSaltReshuffles() {
        let shoppers = 10_000
        var unitsChanged = 0
        var variantsChanged = 0
        for index in 0..<shoppers {
            let before = Assignment.unit(shopper: "shopper-\(index)", salt: "exp-1")
            let after = Assignment.unit(shopper: "shopper-\(index)", salt: "exp-1-v2")
            if before != after { unitsChanged += 1 }
            if Assignment.choose(unit: before, probabilities: [0.5, 0.5]) != Assignment.choose(unit: after, probabilities: [0.5, 0.5]) {
                variantsChanged += 1
            }
        }
        #expect(unitsChanged > shoppers * 99 / 100)
        // Independent halves: about half the shoppers switch variant.
        #expect(abs(Double(variantsChanged) / Double(shoppers) - 0.5) < 0.03)
    }

    @Test func choosingAtTheBoundaries() {
        #expect(Assignment.choose(unit: 0, probabilities: [0.5, 0.5]) == 0)
        #expect(Assignment.choose(unit: 0.5, probabilities: [0.5, 0.5]) == 1)
        #expect(Assignment.choose(unit: 0.25, probabilities: [0, 0.5, 0.5]) == 1)
        // Shares that add up to a hair under 1: the leftover goes to the last arm.
        #expect(Assignment.choose(unit: 0.99999, probabilities: [0.3333, 0.3333, 0.3333]) == 2)
    }
}
