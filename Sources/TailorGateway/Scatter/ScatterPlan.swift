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
}
