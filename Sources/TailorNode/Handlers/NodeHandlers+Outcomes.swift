import TailorHTTP2
import TailorOutcomes
import TailorRPC
import TailorWire

extension NodeHandlers {
    /// The outcome counts of every complete shopper partition held here, each with the
    /// number of outcome events they come from (the gateway reads each partition from
    /// the replica that holds the most, ``WireMethods/outcomes``).
    func registerOutcomes(on router: inout HTTP2Router) {
        router.register(WireMethods.outcomes) { request in
            var response = WireOutcomesResponse()
            for partition in table.partitions {
                guard let replica = table[partition], replica.complete else { continue }
                let (events, cells, shoppers) = await replica.shoppers.outcomeCells()
                var entry = WirePartitionOutcomes()
                entry.partition = UInt32(partition)
                entry.events = UInt64(events)
                entry.cells = cells.filter { !request.experimentsOnly || !$0.key.experiment.isEmpty }
                    .sorted { $0.key < $1.key }
                    .map { WireOutcomeCell($0.key, $0.value) }
                entry.variants = shoppers.sorted { $0.key < $1.key }.map { key, count in
                    var wire = WireVariantShoppers()
                    wire.experiment = key.experiment
                    wire.variant = key.variant
                    wire.shoppers = UInt64(count)
                    return wire
                }
                response.partitions.append(entry)
            }
            return response
        }
    }
}
