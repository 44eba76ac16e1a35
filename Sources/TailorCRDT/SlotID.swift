/// Names one slot of a forward-decayed counter: a member in one incarnation.
///
/// A member that restarts takes a new incarnation and so a fresh slot: it never
/// needs to remember what it counted before the restart, and no other member's
/// copy of its old slot can be overtaken by a smaller restarted count.
public struct SlotID: Hashable, Sendable, Comparable {
    /// The member that owns the slot (the only one that adds to it).
    public var member: String
    /// The member's incarnation: a number that grows with every restart.
    public var incarnation: UInt64

    /// The slot of `member` in `incarnation`.
    public init(member: String, incarnation: UInt64) {
        self.member = member
        self.incarnation = incarnation
    }

    /// By member, then incarnation: the order digests walk slots in.
    public static func < (lhs: SlotID, rhs: SlotID) -> Bool {
        (lhs.member, lhs.incarnation) < (rhs.member, rhs.incarnation)
    }
}
