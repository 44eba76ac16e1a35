extension ChurnEvaluation {
    /// The area under the ROC curve: the chance that a random positive scores above a
    /// random negative, ties counting half (the Mann–Whitney U over n₊·n₋). 0.5 when
    /// either class is empty, since then nothing is ranked.
    package static func auc(scores: [Double], positives: [Bool]) -> Double {
        precondition(scores.count == positives.count, "one label per score")
        let positiveCount = positives.count { $0 }
        let negativeCount = positives.count - positiveCount
        guard positiveCount > 0, negativeCount > 0 else { return 0.5 }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        // Ranks from 1, tied scores sharing the mean of the ranks they span.
        var positiveRankSum = 0.0
        var start = 0
        while start < order.count {
            var stop = start + 1
            while stop < order.count, scores[order[stop]] == scores[order[start]] { stop += 1 }
            let meanRank = Double(start + 1 + stop) / 2
            for position in start..<stop where positives[order[position]] { positiveRankSum += meanRank }
            start = stop
        }
        let u = positiveRankSum - Double(positiveCount * (positiveCount + 1)) / 2
        return u / (Double(positiveCount) * Double(negativeCount))
    }
}
