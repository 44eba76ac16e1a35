import Foundation
import NIOCore
import NIOHTTP1
import TailorClient
import TailorProcess
import TailorTesting
import Testing

/// Keys, roles and trust on a real cluster: who may call what on the public API, CORS,
/// rates, revocation across gateways, and members without the cluster secret.
extension ProcessSuites {
    @Suite("Access: keys, roles, CORS and the cluster secret (processes)", .serialized)
    struct AccessClusterTests {
        /// Makes a key through the admin client; answers (key, id).
        static func makeKey(_ cluster: TestCluster, _ body: String) async throws -> (key: String, id: String) {
            let (status, data) = try await cluster.post("/v1/keys", json: body)
            #expect(status == 201, "\(String(decoding: data, as: UTF8.self))")
            let made = DurabilityClusterTests.json(data)
            return (made["key"] as? String ?? "", made["id"] as? String ?? "")
        }

        /// How many events the cluster holds for `shopper` (read with the admin key).
        static func events(of shopper: String, _ cluster: TestCluster) async throws -> Int {
            let (status, data) = try await cluster.get("/v1/users/\(shopper)/export")
            #expect(status == 200)
            return (DurabilityClusterTests.json(data)["events"] as? [Any])?.count ?? -1
        }

        static func productExists(_ id: String, _ cluster: TestCluster) async throws -> Bool {
            try await cluster.get("/v1/products/\(id)").0 == 200
        }

        static func stock(of id: String, _ cluster: TestCluster) async throws -> Int? {
            let (_, data) = try await cluster.get("/v1/products/\(id)")
            return DurabilityClusterTests.json(data)["stock"] as? Int
        }

        static func keyRevoked(_ id: String, _ cluster: TestCluster) async throws -> Bool {
            let (_, data) = try await cluster.get("/v1/keys")
            let keys = DurabilityClusterTests.json(data)["keys"] as? [[String: Any]] ?? []
            return keys.first { $0["id"] as? String == id }?["revoked"] as? Bool ?? false
        }

        enum Role: Int, Comparable, Sendable {
            case `public`, `private`, admin
            static func < (a: Role, b: Role) -> Bool { a.rawValue < b.rawValue }
        }

        /// One public endpoint: the request for caller `label`, the role it needs, and for
        /// writes whether the write took effect (checked with the admin key).
        struct Endpoint: Sendable {
            var name: String
            var needs: Role
            var send: @Sendable (PublicAPIClient, String) async throws -> Int
            var applied: (@Sendable (TestCluster, String) async throws -> Bool)?
            var prepare: (@Sendable (TestCluster, String) async throws -> Void)?
        }

        static func view(_ shopper: String) -> String {
            #"{"events":[{"id":"\#(shopper)-v","type":"view","user":"\#(shopper)","session":"s","product":"p00001"}]}"#
        }

        static let endpoints: [Endpoint] = [
            Endpoint(name: "POST /v1/recommendations", needs: .public) { client, _ in
                try await client.send(.POST, "/v1/recommendations", json: #"{"user":"m-reader","placement":"home_for_you","k":3}"#).status
            },
            Endpoint(name: "POST /v1/events (view)", needs: .public, send: { client, label in
                try await client.send(.POST, "/v1/events", json: view("mv-\(label)")).status
            }, applied: { cluster, label in try await events(of: "mv-\(label)", cluster) > 0 }),
            Endpoint(name: "POST /v1/events (purchase)", needs: .private, send: { client, label in
                try await client.send(
                    .POST, "/v1/events",
                    json: #"{"events":[{"id":"mp-\#(label)","type":"purchase","user":"mp-\#(label)","session":"s","products":["p00001"]}]}"#
                ).status
            }, applied: { cluster, label in try await events(of: "mp-\(label)", cluster) > 0 }),
            Endpoint(name: "POST /v1/users/{id}/aliases", needs: .private, send: { client, label in
                try await client.send(.POST, "/v1/users/mal-\(label)/aliases", json: #"{"anonymousId":"mal-anon-\#(label)"}"#).status
            }, applied: { cluster, label in try await events(of: "mal-\(label)", cluster) > 0 }, prepare: { cluster, label in
                _ = try await cluster.post("/v1/events", json: view("mal-anon-\(label)"))
            }),
            Endpoint(name: "POST /v1/integrations/segment", needs: .private, send: { client, label in
                try await client.send(
                    .POST, "/v1/integrations/segment",
                    json: #"{"type":"track","event":"Product Viewed","userId":"mseg-\#(label)","messageId":"mseg-\#(label)","properties":{"product_id":"p00001"}}"#
                ).status
            }, applied: { cluster, label in try await events(of: "mseg-\(label)", cluster) > 0 }),
            Endpoint(name: "POST /v1/integrations/ga4", needs: .private, send: { client, label in
                try await client.send(
                    .POST, "/v1/integrations/ga4", json: #"{"client_id":"mga-\#(label)","events":[{"name":"view_item","params":{"items":[{"item_id":"p00001"}]}}]}"#
                ).status
            }, applied: { cluster, label in try await events(of: "mga-\(label)", cluster) > 0 }),
            Endpoint(name: "PUT /v1/products", needs: .private, send: { client, label in
                try await client.send(
                    .PUT, "/v1/products", json: #"{"products":[{"id":"mprod-\#(label)","title":"Lamp","categoryPath":["Home"],"price":9,"version":1}]}"#
                ).status
            }, applied: { cluster, label in try await productExists("mprod-\(label)", cluster) }),
            Endpoint(name: "PUT /v1/inventory", needs: .private, send: { client, label in
                try await client.send(.PUT, "/v1/inventory", json: #"{"stock":[{"product":"minv-\#(label)","quantity":7,"version":5}]}"#).status
            }, applied: { cluster, label in try await stock(of: "minv-\(label)", cluster) == 7 }, prepare: { cluster, label in
                _ = try await cluster.put(
                    "/v1/products", json: #"{"products":[{"id":"minv-\#(label)","title":"Mug","categoryPath":["Home"],"price":5,"version":1}]}"#
                )
                _ = try await cluster.put("/v1/inventory", json: #"{"stock":[{"product":"minv-\#(label)","quantity":1,"version":1}]}"#)
            }),
            Endpoint(name: "GET /v1/products/{id}", needs: .private) { client, _ in try await client.get("/v1/products/p00001").status },
            Endpoint(name: "DELETE /v1/products/{id}", needs: .private, send: { client, label in
                try await client.send(.DELETE, "/v1/products/mdel-\(label)?version=2").status
            }, applied: { cluster, label in try await !productExists("mdel-\(label)", cluster) }, prepare: { cluster, label in
                _ = try await cluster.put(
                    "/v1/products", json: #"{"products":[{"id":"mdel-\#(label)","title":"Vase","categoryPath":["Home"],"price":5,"version":1}]}"#
                )
            }),
            Endpoint(name: "DELETE /v1/users/{id}", needs: .admin, send: { client, label in
                try await client.send(.DELETE, "/v1/users/mdu-\(label)").status
            }, applied: { cluster, label in try await events(of: "mdu-\(label)", cluster) == 0 }, prepare: { cluster, label in
                _ = try await cluster.post("/v1/events", json: view("mdu-\(label)"))
            }),
            Endpoint(name: "GET /v1/users/{id}/export", needs: .admin) { client, _ in try await client.get("/v1/users/m-reader/export").status },
            Endpoint(name: "GET /v1/cluster", needs: .admin) { client, _ in try await client.get("/v1/cluster").status },
            Endpoint(name: "GET /v1/products (search)", needs: .private) { client, _ in try await client.get("/v1/products?q=p00001").status },
            Endpoint(name: "GET /v1/categories", needs: .private) { client, _ in try await client.get("/v1/categories").status },
            Endpoint(name: "GET /v1/strategies", needs: .private) { client, _ in try await client.get("/v1/strategies").status },
            Endpoint(name: "PUT /v1/strategies/{placement}", needs: .private, send: { client, label in
                try await client.send(.PUT, "/v1/strategies/post_order_email", json: #"{"k":4,"note":"by \#(label)"}"#).status
            }, applied: { cluster, label in
                let (_, data) = try await cluster.get("/v1/strategies/post_order_email")
                return DurabilityClusterTests.json(data)["note"] as? String == "by \(label)"
            }),
            Endpoint(name: "GET /v1/shoppers/{id}/situation", needs: .private) { client, _ in try await client.get("/v1/shoppers/m-reader/situation").status },
            Endpoint(name: "GET /v1/cluster/traffic", needs: .admin) { client, _ in try await client.get("/v1/cluster/traffic").status },
            Endpoint(name: "GET /v1/recommendations/{id}/trace", needs: .admin) { client, _ in
                // The caller's own recommendation when it may ask for one; any id otherwise (the key is checked first).
                let (_, data) = try await client.send(.POST, "/v1/recommendations", json: #"{"user":"m-reader","placement":"home_for_you","k":3}"#)
                let id = DurabilityClusterTests.json(data)["recommendationId"] as? String ?? "none"
                return try await client.get("/v1/recommendations/\(id)/trace").status
            },
            Endpoint(name: "GET /v1/keys", needs: .admin) { client, _ in try await client.get("/v1/keys").status },
            Endpoint(name: "POST /v1/keys", needs: .admin, send: { client, label in
                try await client.send(.POST, "/v1/keys", json: #"{"role":"private","name":"made by \#(label)"}"#).status
            }, applied: { cluster, label in
                let (_, data) = try await cluster.get("/v1/keys")
                return (DurabilityClusterTests.json(data)["keys"] as? [[String: Any]] ?? []).contains { $0["name"] as? String == "made by \(label)" }
            }),
        ]

        @Test("every endpoint × no key, malformed, public, private, admin, revoked: the expected status, and refused writes change nothing")
        func roleMatrix() async throws {
            let cluster = try await TestCluster.start()
            defer { cluster.stop() }
            do {
                try await checkRoleMatrix(cluster)
            } catch {
                cluster.printLogs()
                throw error
            }
        }

        private func checkRoleMatrix(_ cluster: TestCluster) async throws {
            let publicKey = try await Self.makeKey(cluster, #"{"role":"public","name":"storefront","origins":["https://shop.example"]}"#)
            let privateKey = try await Self.makeKey(cluster, #"{"role":"private","name":"orders"}"#)
            let revoked = try await Self.makeKey(cluster, #"{"role":"admin","name":"old console"}"#)
            let (revokeStatus, _) = try await cluster.delete("/v1/keys/\(revoked.id)")
            #expect(revokeStatus == 200)
            let callers: [(label: String, client: PublicAPIClient, role: Role?)] = [
                ("none", cluster.client(key: nil), nil),
                ("malformed", cluster.client(key: nil).withHeader("Authorization", "Basic \(publicKey.key)"), nil),
                ("unknown", cluster.client(key: "tk_admin_" + String(repeating: "A", count: 43)), nil),
                ("revoked", cluster.client(key: revoked.key), nil),
                ("public", cluster.client(key: publicKey.key), .public),
                ("private", cluster.client(key: privateKey.key), .private),
                ("admin", cluster.client(key: cluster.credentials.adminKey), .admin),
            ]
            var unauthorised = 0
            for endpoint in Self.endpoints {
                for caller in callers {
                    try await endpoint.prepare?(cluster, caller.label)
                    let status = try await endpoint.send(caller.client, caller.label)
                    let allowed = caller.role.map { $0 >= endpoint.needs } ?? false
                    let expected: ClosedRange<Int> = allowed ? 200...201 : (caller.role == nil ? 401...401 : 403...403)
                    #expect(expected.contains(status), "\(endpoint.name) with \(caller.label): \(status)")
                    if let applied = endpoint.applied {
                        let changed = try await applied(cluster, caller.label)
                        #expect(changed == allowed, "\(endpoint.name) with \(caller.label): the write \(changed ? "took effect" : "did not")")
                        if changed && !allowed { unauthorised += 1 }
                    }
                }
            }
            #expect(unauthorised == 0)
            // The refusals say what is wrong: the header, or the role needed.
            let (status, data) = try await cluster.client(key: publicKey.key).send(.DELETE, "/v1/users/someone")
            #expect(status == 403)
            let error = DurabilityClusterTests.json(data)["error"] as? [String: Any]
            #expect(error?["field"] as? String == "role")
            #expect((error?["problem"] as? String)?.contains("needs an admin key") == true)
            let none = try await cluster.client(key: nil).send(APIRequest(.GET, "/v1/cluster"))
            #expect(none.status == 401)
            #expect(none.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
            #expect(String(buffer: none.body).contains(#""field":"Authorization""#))
            // Health, readiness and metrics stay open.
            for path in ["/healthz", "/readyz", "/metrics"] {
                #expect(try await cluster.client(key: nil).get(path).status == 200, "\(path)")
            }
            // The list never shows a key's text or hash.
            let (_, list) = try await cluster.get("/v1/keys")
            let listed = String(decoding: list, as: UTF8.self)
            #expect(!listed.contains(publicKey.key) && !listed.contains(privateKey.key) && !listed.contains("hash"))
            // Admin actions leave audit lines with the key's id, never the shopper's id.
            let log = cluster.log(of: "gateway")
            #expect(log.contains("action=DELETE /v1/users/{id}") && log.contains("key=bootstrap-admin"))
            #expect(!log.contains("mdu-admin"))
        }

        @Test("CORS: a public key's origins get preflights and Access-Control-Allow-Origin; other origins do not")
        func cors() async throws {
            let cluster = try await TestCluster.start(demo: false)
            defer { cluster.stop() }
            let key = try await Self.makeKey(cluster, #"{"role":"public","name":"storefront","origins":["https://shop.example"]}"#)
            let anonymous = cluster.client(key: nil)
            let preflight = try await anonymous.send(APIRequest(
                .OPTIONS, "/v1/recommendations",
                headers: [("Origin", "https://shop.example"), ("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "authorization, content-type")]
            ))
            #expect(preflight.status == 204)
            #expect(preflight.header("Access-Control-Allow-Origin") == "https://shop.example")
            #expect(preflight.header("Access-Control-Allow-Headers")?.contains("authorization") == true)
            let refused = try await anonymous.send(APIRequest(.OPTIONS, "/v1/recommendations", headers: [("Origin", "https://evil.example")]))
            #expect(refused.status == 403)
            #expect(refused.header("Access-Control-Allow-Origin") == nil)

            let body = ByteBuffer(string: #"{"user":"cors-shopper","placement":"home_for_you","k":2}"#)
            let storefront = cluster.client(key: key.key)
            let allowed = try await storefront.send(APIRequest(.POST, "/v1/recommendations", body: body, headers: [("Origin", "https://shop.example")]))
            #expect(allowed.status == 200)
            #expect(allowed.header("Access-Control-Allow-Origin") == "https://shop.example")
            #expect(allowed.header("Vary") == "Origin")
            let other = try await storefront.send(APIRequest(.POST, "/v1/recommendations", body: body, headers: [("Origin", "https://evil.example")]))
            #expect(other.status == 403)
            #expect(other.header("Access-Control-Allow-Origin") == nil)
            #expect(String(buffer: other.body).contains(#""field":"Origin""#))
            // The shop's servers send no Origin: the key works without one.
            #expect(try await storefront.send(APIRequest(.POST, "/v1/recommendations", body: body)).status == 200)
        }

        @Test("a key over its rate gets 429 with Retry-After; other keys are not slowed")
        func rateLimit() async throws {
            let cluster = try await TestCluster.start(demo: false)
            defer { cluster.stop() }
            let slow = try await Self.makeKey(cluster, #"{"role":"private","name":"batch job","ratePerSecond":1}"#)
            let client = cluster.client(key: slow.key)
            // A bucket holds two seconds' worth: the third request in a row is refused.
            var statuses: [Int] = []
            var retryAfter: String?
            for _ in 0..<4 {
                let answer = try await client.send(APIRequest(.GET, "/v1/products/p00001"))
                statuses.append(answer.status)
                if answer.status == 429 { retryAfter = answer.header("Retry-After") }
            }
            #expect(statuses.filter { $0 == 429 }.count >= 1, "\(statuses)")
            #expect(statuses.prefix(2).allSatisfy { $0 != 429 }, "\(statuses)")
            #expect(retryAfter.flatMap(Int.init).map { $0 >= 1 } == true)
            #expect(try await cluster.get("/v1/cluster").0 == 200)
        }

        @Test("a key revoked through one gateway is refused by another within 2 s; a key made on one works on the other")
        func revocationAcrossGateways() async throws {
            let cluster = try await TestCluster.start(demo: false)
            defer { cluster.stop() }
            let second = try await cluster.startGateway("gateway-b")
            let key = try await Self.makeKey(cluster, #"{"role":"private","name":"orders"}"#)
            guard let other = PublicAPIClient(gateway: second.absoluteString)?.authorized(key.key) else {
                Issue.record("not a gateway URL: \(second)")
                return
            }
            let known = try await DurabilityClusterTests.waitUntil(.seconds(3)) { try await other.get("/v1/products/p00001").status != 401 }
            #expect(known, "the key made on the first gateway never worked on the second")
            let (status, _) = try await cluster.delete("/v1/keys/\(key.id)")
            #expect(status == 200)
            let revokedAt = ContinuousClock.now
            let refused = try await DurabilityClusterTests.waitUntil(.seconds(2)) { try await other.get("/v1/products/p00001").status == 401 }
            let took = ContinuousClock.now - revokedAt
            #expect(refused, "the second gateway still accepted the revoked key after \(took)")
            #expect(try await Self.keyRevoked(key.id, cluster))
        }

        @Test("a member without the cluster secret cannot join, write or read; it says why and stays unready")
        func memberWithoutTheSecret() async throws {
            let stranger = String(repeating: "0f", count: 32)
            let cluster = try await TestCluster.start(environment: { name in
                name == "intruder" ? [ClusterCredentials.secretVariable: stranger] : [:]
            })
            defer { cluster.stop() }
            do {
                try await checkIntruder(cluster)
            } catch {
                cluster.printLogs()
                throw error
            }
        }

        /// Events and products the nodes hold in all, from the cluster view.
        static func heldTotals(_ cluster: TestCluster) async throws -> [Int] {
            let (_, data) = try await cluster.get("/v1/cluster")
            let members = DurabilityClusterTests.json(data)["members"] as? [[String: Any]] ?? []
            return ["events", "products", "shoppers"].map { field in members.reduce(0) { $0 + ($1[field] as? Int ?? 0) } }
        }

        private func checkIntruder(_ cluster: TestCluster) async throws {
            let before = try await Self.heldTotals(cluster)
            let port = try cluster.join("intruder")
            // It hears 401 from the members it gossips with, and says so.
            let refusedLogged = try await DurabilityClusterTests.waitUntil(.seconds(20)) {
                cluster.log(of: "intruder").contains("another member refuses this member's signature")
            }
            #expect(refusedLogged, "\(cluster.log(of: "intruder").suffix(2_000))")
            // Its gossip is dropped: no member's view ever lists it, however long it tries.
            let (_, view) = try await cluster.get("/v1/cluster")
            #expect(!String(decoding: view, as: UTF8.self).contains("intruder"))
            // It reports itself not ready (its /readyz, which probes may call unsigned).
            let readyz = try await Self.curl(["http://127.0.0.1:\(port)/readyz"])
            #expect(readyz.hasSuffix(" 503"), "\(readyz)")
            // A process without the secret cannot write a partition or read one.
            let node = cluster.nodePorts["n1"]!
            let write = try await Self.curl([
                "-X", "POST", "-H", "content-type: application/x-protobuf", "--data-binary", "garbage", "http://127.0.0.1:\(node)/internal/events",
            ])
            #expect(write.contains("unsigned internal call") && write.hasSuffix(" 401"), "\(write)")
            let read = try await Self.curl(["-X", "POST", "http://127.0.0.1:\(node)/internal/users/export"])
            #expect(read.hasSuffix(" 401"), "\(read)")
            let (_, after) = try await cluster.get("/v1/cluster")
            #expect(!String(decoding: after, as: UTF8.self).contains("intruder"))
            // Nothing the members hold changed: no partition moved to it, nothing was written.
            #expect(try await Self.heldTotals(cluster) == before)
        }

        /// `curl --http2-prior-knowledge` (an independent HTTP/2 client): body, then the status.
        static func curl(_ arguments: [String]) async throws -> String {
            let result = try await ExternalCommand.run(
                "/usr/bin/curl", ["-s", "--http2-prior-knowledge", "-w", " %{http_code}", "--max-time", "5"] + arguments
            )
            return result.stdoutText
        }

        @Test("tailor node and tailor gateway refuse to start without the cluster secret or the admin key, and say how to give them")
        func productionModeRefusesToStartOpen() async throws {
            let environment = environmentWithoutTailorVariables()
            for (arguments, needed) in [
                (["node", "--name", "n1", "--listen", "127.0.0.1:1", "--members", "n1=127.0.0.1:1"], "TAILOR_CLUSTER_SECRET"),
                (["gateway", "--listen", "127.0.0.1:1", "--members", "n1=127.0.0.1:1"], "TAILOR_CLUSTER_SECRET"),
            ] {
                let result = try await ExternalCommand.run(TestCluster.executable.path, arguments, environment: environment)
                #expect(result.status != 0)
                #expect(result.description.contains(needed) && result.description.contains("--insecure-no-auth"), "\(result.description)")
            }
            var withSecret = environment
            withSecret[ClusterCredentials.secretVariable] = String(repeating: "ab", count: 32)
            let gateway = try await ExternalCommand.run(
                TestCluster.executable.path, ["gateway", "--listen", "127.0.0.1:1", "--members", "n1=127.0.0.1:1"], environment: withSecret
            )
            #expect(gateway.status != 0)
            #expect(gateway.description.contains("TAILOR_ADMIN_KEY"), "\(gateway.description)")
            withSecret[ClusterCredentials.secretVariable] = "short"
            let short = try await ExternalCommand.run(
                TestCluster.executable.path, ["node", "--name", "n1", "--listen", "127.0.0.1:1", "--members", "n1=127.0.0.1:1"], environment: withSecret
            )
            #expect(short.status != 0)
            #expect(short.description.contains("at least 32"), "\(short.description)")
        }
    }
}

/// This process's environment without any `TAILOR_*` variable.
private func environmentWithoutTailorVariables() -> [String: String] {
    ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TAILOR_") }
}

extension PublicAPIClient {
    /// This client with one more header on every request.
    func withHeader(_ name: String, _ value: String) -> PublicAPIClient {
        var client = self
        client.headers.append((name, value))
        return client
    }
}
