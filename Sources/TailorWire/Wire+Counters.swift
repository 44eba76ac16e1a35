import TailorCRDT

extension WireCounterState {
    package init(_ delta: CounterDelta) {
        self.init()
        landmarkMillis = delta.landmark
        products = delta.products.sorted { $0.key < $1.key }.map { product, slots in
            var wire = WireProductCounters()
            wire.product = product
            wire.slots = slots.sorted { $0.key < $1.key }.map { id, slot in
                var counter = WireCounterSlot()
                counter.member = id.member
                counter.incarnation = id.incarnation
                counter.long = slot.long
                counter.short = slot.short
                return counter
            }
            return wire
        }
    }

    package var model: CounterDelta {
        var products: [String: [SlotID: Slot]] = [:]
        for entry in self.products {
            for counter in entry.slots {
                products[entry.product, default: [:]][SlotID(member: counter.member, incarnation: counter.incarnation)] =
                    Slot(long: counter.long, short: counter.short)
            }
        }
        return CounterDelta(landmark: landmarkMillis, products: products)
    }
}
