/// Names one slot of a forward-decayed counter: a member in one incarnation.
///
/// A member that restarts takes a new incarnation and so a fresh slot: it never
/// needs to remember what it counted before the restart, and no other member's
/// copy of its old slot can be overtaken by a smaller restarted count.
package struct SlotID: Hashable, Sendable, Comparable {
    /// The member that owns the slot (the only one that adds to it).
    package var member: String
    /// The member's incarnation: a number that grows with every restart.
    package var incarnation: UInt64

    /// The slot of `member` in `incarnation`.
    package init(member: String, incarnation: UInt64) {
        self.member = member
        self.incarnation = incarnation
    }

    /// By member, then incarnation: the order digests walk slots in.
    package static func < (lhs: SlotID, rhs: SlotID) -> Bool {
        (lhs.member, lhs.incarnation) < (rhs.member, rhs.incarnation)
    }
}
