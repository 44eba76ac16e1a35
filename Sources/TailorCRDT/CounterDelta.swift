/// Slots of a ``CounterTable`` to send to other members: a delta (the slots changed
/// since the last one) or the full state. State-based: each slot carries its current
/// full sums, so applying a delta is the same per-slot max merge as applying the full
/// state, and deltas may arrive twice or out of order.
package struct CounterDelta: Sendable, Equatable {
    /// The time, in milliseconds, that every sum here is relative to.
    package var landmark: Int64
    /// Product id → the slots sent for it.
    package var products: [String: [SlotID: Slot]]

    /// A delta of `products`' slots, relative to `landmark`.
    package init(landmark: Int64, products: [String: [SlotID: Slot]] = [:]) {
        self.landmark = landmark
        self.products = products
    }

    /// Whether no slot is carried (nothing to send).
    package var isEmpty: Bool { products.values.allSatisfy(\.isEmpty) }

    /// Whether every sum is finite and not negative, as sums made by adding are. A
    /// shell that decodes a delta refuses one that is not: a NaN or an infinity would
    /// win or stick in the max merge and spread to every member.
    package var isWellFormed: Bool {
        products.values.allSatisfy { slots in
            slots.values.allSatisfy { $0.long.isFinite && $0.short.isFinite && $0.long >= 0 && $0.short >= 0 }
        }
    }

    /// The number of slots carried.
    package var slotCount: Int { products.values.reduce(0) { $0 + $1.count } }

    /// About how many bytes a compact binary encoding takes, for gossip budgets: 8 for
    /// the landmark; per product its id's UTF-8 and a 4-byte length and slot count;
    /// per slot its member's UTF-8 with a 4-byte length, the incarnation and two sums.
    package var byteSize: Int {
        products.reduce(8) { size, product in
            size + 8 + product.key.utf8.count + product.value.keys.reduce(0) { $0 + 4 + $1.member.utf8.count + 8 + 16 }
        }
    }

    /// A stable 64-bit FNV-1a hash of the landmark and every slot, walked in sorted
    /// order over bit patterns: equal on every process for equal contents (Swift's
    /// `Hasher` is seeded per process), so simulations can check members agree.
    package var digest: UInt64 {
        var hash = FNV1a()
        hash.add(UInt64(bitPattern: landmark))
        for product in products.keys.sorted() {
            guard let slots = products[product], !slots.isEmpty else { continue }
            hash.add(product)
            hash.add(UInt64(slots.count))
            hash.add(slots)
        }
        return hash.value
    }
}

/// 64-bit FNV-1a over little-endian words and length-prefixed strings.
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ word: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { add(byte: UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
    }

    mutating func add(_ text: String) {
        add(UInt64(text.utf8.count))
        for byte in text.utf8 { add(byte: byte) }
    }

    /// Every slot in slot order: its member, incarnation and the bit patterns of its sums.
    mutating func add(_ slots: [SlotID: Slot]) {
        for id in slots.keys.sorted() {
            add(id.member)
            add(id.incarnation)
            add(slots[id]?.long.bitPattern ?? 0)
            add(slots[id]?.short.bitPattern ?? 0)
        }
    }

    private mutating func add(byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }
}
