import Foundation
import NIOCore
import NIOHTTP1
import Testing
@testable import TailorClient
@testable import TailorProcess

/// The demo storefront `tailor local` serves, with keys: its pages load tailor.js from
/// the gateway with the public key, the gateway lets the storefront's origin call it,
/// and "Place order" stores the purchases, with their recommendation ids, through the
/// storefront's server and the private key.
extension ProcessSuites {
@Suite("tailor local's demo storefront", .serialized)
struct StorefrontClusterTests {
    @Test("the storefront's pages name the gateway's snippet and public key, its origin passes CORS, and an order reaches the shopper's history")
    func storefrontWithKeys() async throws {
        let ports = try FreePorts.take(2)
        let nodePort = try LocalCommandTests.consecutiveFreePorts(4)
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("storefront-admin-\(ports[0]).key")
        let adminKey = String(repeating: "5f0a", count: 16)
        try adminKey.write(to: keyFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: keyFile) }
        let (launcher, output) = try LocalCommandTests.launchLocal(
            port: ports[0], nodePort: nodePort, ["--admin-key-file", keyFile.path, "--storefront-port", String(ports[1])]
        )
        defer { if launcher.isRunning { kill(launcher.processIdentifier, SIGKILL) } }
        let banner = try await LocalCommandTests.readUntil("Press Ctrl-C", from: output.fileHandleForReading, timeout: .seconds(90))
        let storefrontURL = "http://127.0.0.1:\(ports[1])"
        #expect(banner.contains("Demo storefront:           \(storefrontURL)/"), "\(banner)")
        let publicKey = try #require(Self.key("tk_public_", in: banner))
        let privateKey = try #require(Self.key("tk_private_", in: banner))

        let storefront = PublicAPIClient(gateway: GatewayAddress(host: "127.0.0.1", port: ports[1]))
        let (pageStatus, page) = try await storefront.get("/p/p00001")
        let html = String(decoding: page, as: UTF8.self)
        #expect(pageStatus == 200)
        #expect(html.contains(#"<script src="http://127.0.0.1:\#(ports[0])/sdk/tailor.js" data-key="\#(publicKey)""#))
        #expect(!html.contains(privateKey), "the private key stays on the storefront's server")

        let gateway = PublicAPIClient(gateway: GatewayAddress(host: "127.0.0.1", port: ports[0]))
        let preflight = try await gateway.send(APIRequest(.OPTIONS, "/v1/recommendations", headers: [
            ("Origin", storefrontURL), ("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "authorization, content-type"),
        ]))
        #expect(preflight.status == 204)
        #expect(preflight.headers.contains { $0.0.lowercased() == "access-control-allow-origin" && $0.1 == storefrontURL })

        let shopper = "storefront-\(UInt32.random(in: 0 ... .max))"
        let (_, answerData) = try await gateway.authorized(publicKey).send(
            .POST, "/v1/recommendations", json: #"{"user":"\#(shopper)","placement":"home_for_you","k":3}"#
        )
        let answer = try #require(try JSONSerialization.jsonObject(with: answerData) as? [String: Any])
        let recommendationId = try #require(answer["recommendationId"] as? String)
        let product = try #require(((answer["items"] as? [[String: Any]])?.first)?["product"] as? String)

        let cart = #"[{"product":"\#(product)","quantity":2,"recommendationId":"\#(recommendationId)"}]"#
        var checkout = APIRequest(.POST, "/checkout", body: ByteBuffer(string: "cart=\(cart.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&user=\(shopper)&session=s1"))
        checkout.contentType = "application/x-www-form-urlencoded"
        let placed = try await storefront.send(checkout)
        #expect(placed.status == 303, "\(String(buffer: placed.body))")
        let location = try #require(placed.headers.first { $0.0.lowercased() == "location" }?.1)
        #expect(location.hasPrefix("/order/"))
        let (orderStatus, orderPage) = try await storefront.get(location)
        #expect(orderStatus == 200 && String(decoding: orderPage, as: UTF8.self).contains(#"data-tailor-placement="post_order_email""#))

        let (_, export) = try await gateway.authorized(adminKey).get("/v1/users/\(shopper)/export")
        let events = (try JSONSerialization.jsonObject(with: export) as? [String: Any])?["events"] as? [[String: Any]] ?? []
        let purchase = try #require(events.first { $0["type"] as? String == "purchase" }, "\(String(decoding: export, as: UTF8.self))")
        #expect(purchase["recommendationId"] as? String == recommendationId)
        #expect(purchase["quantity"] as? Int == 2)

        LocalCommandTests.stopExpectingNoneLeft(launcher, children: ProcessCPU.children(of: launcher.processIdentifier))
    }

    /// The key printed after `prefix` in the banner.
    static func key(_ prefix: String, in banner: String) -> String? {
        guard let start = banner.range(of: prefix) else { return nil }
        return prefix + banner[start.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
    }
}
}
