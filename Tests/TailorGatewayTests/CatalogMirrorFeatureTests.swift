import TailorModel
import TailorWire
import Testing

@testable import TailorGateway

/// The gateway's catalog mirror gives events their products' feature weights.
@Suite("catalog mirror: product features")
struct CatalogMirrorFeatureTests {
    private func product(_ id: String, tags: [String], version: Int64 = 1) -> Product {
        Product(id: id, title: id, categoryPath: ["Beauty"], price: 10, tags: tags, version: version)
    }

    @Test("an event's product carries its features, the rarer weighing more; a deleted product stops counting")
    func refsCarryRarityWeights() {
        let mirror = CatalogMirror()
        for index in 0..<40 { mirror.upsert(product("p\(index)", tags: index < 2 ? ["rare", "common"] : ["common"])) }
        mirror.upsert(product("q", tags: ["other"]))
        let features = mirror.ref("p0").features
        #expect(features["rare"]! > 5 * features["common"]!)
        #expect(mirror.ref("unknown").features.isEmpty)

        mirror.remove("p1", version: 2)
        mirror.upsert(product("p0", tags: ["common"], version: 2))
        // Nothing live has "rare" now; p0's ref follows its new version.
        #expect(mirror.ref("p0").features["rare"] == nil)
        #expect(mirror.ref("p1").features.isEmpty)
    }

    @Test("features travel with the inventory gossip to another gateway, and on an event's wire form")
    func featuresTravel() throws {
        let first = CatalogMirror()
        let second = CatalogMirror()
        for index in 0..<10 { first.upsert(product("p\(index)", tags: index == 0 ? ["rare"] : ["common"])) }
        second.mergeInventory(try #require(first.inventoryDelta()))
        #expect(second.ref("p0").features == first.ref("p0").features)
        #expect(second.ref("p0").features["rare"]! > 0)

        let ref = first.ref("p0")
        #expect(WireProductRef(ref).model == ref)
    }
}
