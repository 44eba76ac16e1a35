import TailorDemo
import TailorModel
import Testing

@Suite("Demo shop catalog")
struct DemoShopCatalogTests {
    let shop = DemoFixture.shop

    @Test("the same configuration makes the same shop; another seed another one")
    func determinism() {
        let again = DemoShop(configuration: .small)
        #expect(again.products == shop.products)
        #expect(again.stock == shop.stock)
        var other = DemoShop.Configuration.small
        other.seed = 7
        #expect(DemoShop(configuration: other).products != shop.products)
    }

    @Test("the small shop has exactly the products and stock levels it was asked for, in id order")
    func sizes() {
        #expect(shop.products.count == 2_000)
        #expect(shop.stock.count == 2_000)
        #expect(shop.products.enumerated().allSatisfy { $1.id == DemoIDs.product($0) })
        #expect(zip(shop.products, shop.stock).allSatisfy { $0.id == $1.product })
    }

    @Test("every product and stock level passes the API's validation, at version 1")
    func validity() throws {
        var wrong = [String]()
        for (index, product) in shop.products.enumerated() {
            try product.validate(field: "products[\(index)]")
            let attributes = product.attributes ?? [:]
            let share = (product.cost ?? 0) / product.price
            if product.version != 1 || product.categoryPath.count != 3 || !(0.39...0.86).contains(share)
                || (product.category == "Fashion > Men > Shirts" && Set(attributes.keys) != ["colour", "material", "size", "fit"])
                || (product.categoryPath[0] == "Books & Media" && attributes["size"] != nil)
            {
                wrong.append(product.id)
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
        for (index, level) in shop.stock.enumerated() {
            try level.validate(field: "stock[\(index)]")
        }
        #expect(shop.stock.allSatisfy { $0.version == 1 })
    }

    @Test("a tree of 8 to 10 departments, each brand in one or two of them")
    func shape() {
        let departments = Set(shop.products.map { $0.categoryPath[0] })
        #expect((8...10).contains(departments.count))
        #expect(Set(shop.products.map(\.category)).count == shop.leafCategories.count)
        var departmentsOfBrand = [String: Set<String>]()
        for product in shop.products {
            departmentsOfBrand[product.brand ?? "", default: []].insert(product.categoryPath[0])
        }
        #expect(departmentsOfBrand.values.allSatisfy { (1...2).contains($0.count) })
        #expect(departmentsOfBrand.count >= 50)
    }

    @Test("some products are sold out, some heavily overstocked, most in stock")
    func stockLevels() {
        let count = Double(shop.stock.count)
        let soldOut = Double(shop.stock.filter { $0.quantity == 0 }.count) / count
        let overstocked = Double(shop.stock.filter { $0.quantity >= 400 }.count) / count
        #expect(soldOut > 0.02 && soldOut < 0.10)
        #expect(overstocked > 0.02 && overstocked < 0.10)
    }

    @Test("margins differ between brands")
    func margins() {
        var shares = [String: [Double]]()
        for product in shop.products {
            shares[product.brand ?? "", default: []].append((product.price - (product.cost ?? 0)) / product.price)
        }
        let averages = shares.values.map { $0.reduce(0, +) / Double($0.count) }
        #expect((averages.max() ?? 0) - (averages.min() ?? 0) > 0.2)
    }

    @Test("every leaf has one or two complements, and they are leaves of the shop")
    func complementsAreLeaves() {
        let leaves = Set(shop.leafCategories)
        for leaf in shop.leafCategories {
            let complements = shop.complements(of: leaf)
            #expect((1...2).contains(complements.count), "\(leaf)")
            #expect(complements.allSatisfy { leaves.contains($0) && $0 != leaf })
        }
        #expect(shop.complements(of: "Sports > Running > Shoes").contains("Sports > Running > Socks"))
        #expect(shop.complements(of: "Electronics > Cameras > Cameras").contains("Electronics > Cameras > Memory Cards"))
        #expect(shop.complements(of: "No > Such > Leaf").isEmpty)
    }
}
