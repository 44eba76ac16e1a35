import Synchronization
import TailorModel

/// One shared copy of each product's reference (``ProductRef``: id, category path,
/// brand, price, features) for all the events profiles keep.
///
/// Every event arrives with its products' references decoded afresh: the same product
/// seen by 10,000 shoppers was 10,000 copies of its category string and its features
/// dictionary, most of a profile's memory per event. A reference equal to the one held
/// for its id is replaced by the held one (sharing its storage); a different one (the
/// product changed) is held from then on. Values never change, only where they live,
/// so profiles and situations are the same with or without it.
package final class ProductRefInterner: Sendable {
    /// The interner every profile of this process uses.
    package static let shared = ProductRefInterner()

    /// Ids held at most; past it the table starts over (a catalog this large holds
    /// its references in memory anyway, and the events keep the ones they share).
    package static let capacity = 1_000_000

    private let held = Mutex<[String: ProductRef]>([:])

    package init() {}

    /// `reference`, or an equal one already held (the same value, shared storage).
    package func canonical(_ reference: ProductRef) -> ProductRef {
        held.withLock { held in
            if let known = held[reference.id], known == reference { return known }
            if held.count >= Self.capacity { held.removeAll(keepingCapacity: true) }
            held[reference.id] = reference
            return reference
        }
    }

    /// References held now.
    package var count: Int { held.withLock { $0.count } }
}
