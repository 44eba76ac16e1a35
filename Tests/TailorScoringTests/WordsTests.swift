import Testing
@testable import TailorScoring

@Suite struct WordsTests {
    @Test func aCategoryPathGivesItselfAndEachAncestor() {
        #expect(Words.categoryPrefixes("Shoes > Running > Trail") == ["Shoes", "Shoes > Running", "Shoes > Running > Trail"])
        // Asked again (now from the memo): the same answer.
        #expect(Words.categoryPrefixes("Shoes > Running > Trail") == ["Shoes", "Shoes > Running", "Shoes > Running > Trail"])
        #expect(Words.categoryPrefixes("") == [])
        #expect(Words.categoryPrefixes("Garden") == ["Garden"])
    }

    @Test func theMemoOfPrefixesStaysBoundedAndPathsBeyondItAreStillSplit() {
        for n in 0..<(Words.prefixCacheLimit + 50) {
            _ = Words.categoryPrefixes("Bound \(n) > Leaf")
        }
        #expect(Words.prefixCacheCount <= Words.prefixCacheLimit)
        let late = Words.prefixCacheLimit + 49
        #expect(Words.categoryPrefixes("Bound \(late) > Leaf") == ["Bound \(late)", "Bound \(late) > Leaf"])
    }
}
