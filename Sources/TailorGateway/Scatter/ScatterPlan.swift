/// Which member scores which catalog partitions in one scatter of a request.
enum ScatterPlan {
    /// Every partition on the first member of its read order that is one of `members`;
    /// nil when some partition has no replica among them.
    ///
    /// `readOrders[p]` lists partition p's replicas, preferred first. The gateway
    /// restricts a scatter to the members holding the shopper's own partition, which
    /// then build the shopper's situation themselves.
    static func within(_ members: Set<String>, readOrders: [[String]]) -> [String: [UInt32]]? {
        var plan: [String: [UInt32]] = [:]
        for (partition, order) in readOrders.enumerated() {
            guard let member = order.first(where: members.contains) else { return nil }
            plan[member, default: []].append(UInt32(partition))
        }
        return plan
    }

    /// Where to ask again the partitions of `partitions` still `pending` that `member`
    /// was asked for: each on the first replica of its read order other than `member`
    /// that was not yet `tried`. Pure: whoever sends the plan marks its members tried,
    /// so that a hedge not sent (the budget refused it) leaves them askable.
    static func alternatives(
        for partitions: [UInt32], of member: String, pending: Set<Int>, tried: [Set<String>], readOrder: (Int) -> [String]
    ) -> [String: [UInt32]] {
        var plan: [String: [UInt32]] = [:]
        for partition in partitions where pending.contains(Int(partition)) {
            guard let other = readOrder(Int(partition)).first(where: { $0 != member && !tried[Int(partition)].contains($0) }) else { continue }
            plan[other, default: []].append(partition)
        }
        return plan
    }
}
