import Foundation
import Logging
import HTTPTypes
import Hummingbird
import ServiceLifecycle
import Synchronization
import TailorGossip
import TailorHTTP2
import TailorJourneys
import TailorMembership
import TailorModel
import TailorObservability
import TailorOutcomes
import TailorTrust
import TailorScoring
import TailorWire

/// A Tailor gateway: the public JSON API on Hummingbird, scatter-gather to the nodes
/// over HTTP/2, and the catalog mirror the answers are checked against.
///
/// A `Service`: `run()` serves until graceful shutdown (SIGTERM under a `ServiceGroup`).
/// `/readyz` answers 200 once the catalog mirror holds every partition.
package final class GatewayService: Service, Sendable {
    package let configuration: GatewayConfiguration
    private let logger: Logger
    private let onListening: @Sendable (String, Int) -> Void
    let mirror = CatalogMirror()
    let cluster: ClusterClient
    /// The gateway's gossip shell, once its internal listener is bound (``GatewayGossip``).
    let gossip: GossipServiceHolder
    /// Events whose writes went unanswered by a replica, for counting them on a retry.
    private let unansweredEvents = UnansweredEvents()
    /// Anonymous-to-known merges made recently, so events carrying both ids merge once.
    let recentMerges = RecentMerges()
    private let ready = Atomic<Bool>(false)
    private let keysReady = Atomic<Bool>(false)
    /// Keys, roles and rates of the public API.
    let access: Access
    /// Experiments and what their bandits allocate.
    let experiments: ExperimentBook
    /// Segments (the defaults until a shop writes its own) and decision points.
    let segments: DefinitionBook<SegmentDefinition>
    let decisionPoints: DefinitionBook<DecisionPointDefinition>
    /// Each placement's strategy settings (the built-in ones until a shop saves its own).
    let strategies: DefinitionBook<StrategyRecord>
    /// Makes and checks `recommendationId`s (with the cluster secret).
    let recommendationIDs: RecommendationIDCodec
    /// The decision traces of the recommendations this gateway answered lately.
    let traces: TraceStore

    package init(
        configuration: GatewayConfiguration, logger: Logger = Logger(label: "tailor.gateway"),
        onListening: @escaping @Sendable (String, Int) -> Void = { _, _ in }
    ) {
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
        self.gossip = GossipServiceHolder(member: configuration.name)
        self.access = Access(mode: configuration.access, member: configuration.name, logger: logger)
        self.experiments = ExperimentBook(writer: configuration.name)
        self.segments = DefinitionBook(writer: configuration.name, defaults: DefinitionBook.defaultRecords(DefaultSegments.definitions))
        self.decisionPoints = DefinitionBook(writer: configuration.name)
        self.strategies = DefinitionBook(writer: configuration.name)
        self.recommendationIDs = RecommendationIDCodec(secret: configuration.trust.secret)
        self.traces = TraceStore(retention: configuration.traceRetention, sample: configuration.traceSample)
        self.cluster = ClusterClient(
            members: configuration.members, partitionCount: configuration.partitionCount,
            replicationFactor: configuration.replicationFactor, client: HTTP2Client(logger: Logger(label: "tailor.gateway.http2"), inProcess: configuration.inProcess),
            trust: configuration.trust
        )
    }


    package func run() async throws {
        let router = Router(context: GatewayRequestContext.self)
        router.add(middleware: ConnectionLoopMiddleware())
        router.add(middleware: JSONErrorMiddleware())
        // Per endpoint, method and status: requests, errors and latency (http_server_*).
        router.add(middleware: MetricsMiddleware())
        // Per second, the last minute: GET /v1/cluster/traffic.
        router.add(middleware: TrafficMiddleware(meter: GatewayMetrics.traffic))
        WebFiles.add(to: router, logger: logger)
        addRoutes(to: router)
        let onListening = self.onListening
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.listen.host, port: configuration.listen.port), serverName: "tailor"),
            services: [
                CatalogSync(gateway: self), GatewayGossip(gateway: self, logger: logger),
                ConfigSync(gateway: self, logger: logger),
                BanditSync(gateway: self, logger: logger),
            ],
            onServerRunning: { channel in
                if let address = channel.localAddress {
                    onListening(address.ipAddress ?? "127.0.0.1", address.port ?? 0)
                }
            },
            logger: logger
        )
        do {
            try await app.runService()
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }

    var isReady: Bool { ready.load(ordering: .acquiring) }
    func markReady() { ready.store(true, ordering: .releasing) }
    var keysLoaded: Bool { keysReady.load(ordering: .acquiring) }
    func markKeysLoaded() { keysReady.store(true, ordering: .releasing) }

    /// Why the gateway is not ready, or nil when it is: the inventory view loaded, the
    /// keys loaded (with keys), and the other members accept its signature.
    private var notReadyBecause: String? {
        if !isReady { return "the inventory view is still loading from the nodes" }
        if !keysLoaded { return "the configuration (keys, experiments) is still loading from the nodes" }
        if gossip.current?.refusedByPeers ?? false {
            return "the other members refuse this gateway's signature: it does not hold the cluster's secret (see its log)"
        }
        return nil
    }

    private var writes: WriteRouter {
        WriteRouter(
            cluster: cluster, mirror: mirror, writeQuorum: configuration.writeQuorum, timeout: configuration.writeTimeout, logger: logger,
            consent: configuration.consent, unanswered: unansweredEvents
        ) { [gossip] interactions in gossip.current?.count(interactions) }
    }

    private func addRoutes(to router: Router<GatewayRequestContext>) {
        let recommender = Recommender(
            cluster: cluster, mirror: mirror, deadline: configuration.recommendationDeadline, consent: configuration.consent, logger: logger
        )
        let writes = self.writes
        let storefront = router.group().add(middleware: access.requiring(.public))
        let shop = router.group().add(middleware: access.requiring(.private))
        let admin = router.group().add(middleware: access.requiring(.admin))

        storefront.post("/v1/recommendations") { request, context in
            let body = try await JSONCoding.decode(RecommendationRequest.self, from: request)
            do throws(ValidationError) { try body.validate() } catch { throw APIError(error) }
            let byAdmin = context.caller?.role == .admin
            return try JSONCoding.response(writing: await self.recommend(body, using: recommender, alwaysTrace: byAdmin))
        }
        storefront.post("/v1/events") { request, context in
            let body = try await JSONCoding.decode(EventBatch.self, from: request)
            if let caller = context.caller, caller.role < .private, let index = body.events.firstIndex(where: { !$0.type.isBrowserEvent }) {
                throw APIError(
                    status: .forbidden, field: "events[\(index)].type",
                    problem: "\(body.events[index].type.rawValue) events come from the shop's servers: they need a private key; this key is public"
                )
            }
            do throws(ValidationError) { try body.validate(now: Date()) } catch { throw APIError(error) }
            try self.checkRecommendationIDs(body)
            try Self.checkAnnouncedMerges(body, caller: context.caller)
            try await writes.mergeAnnounced(self.announcedMerges(body), recent: self.recentMerges)
            return try JSONCoding.response(try await writes.write(body))
        }
        shop.put("/v1/products") { request, _ in
            let body = try await JSONCoding.decode(ProductBatch.self, from: request)
            do throws(ValidationError) { try body.validate() } catch { throw APIError(error) }
            return try JSONCoding.response(try await writes.write(body))
        }
        shop.put("/v1/inventory") { request, _ in
            let body = try await JSONCoding.decode(StockBatch.self, from: request)
            do throws(ValidationError) { try body.validate() } catch { throw APIError(error) }
            return try JSONCoding.response(try await writes.write(body))
        }
        shop.delete("/v1/products/{id}") { request, context in
            let id = try Self.productID(context)
            do throws(ValidationError) { try Check.identifier(id, "id") } catch { throw APIError(error) }
            guard let text = request.uri.queryParameters.get("version"), let version = Int64(text), version >= 0 else {
                throw APIError(status: .badRequest, field: "version", problem: "a deletion names the shop's version as ?version=N (N ≥ 0)")
            }
            return try JSONCoding.response(try await writes.delete(product: id, version: version))
        }
        shop.get("/v1/products/{id}") { _, context in
            let id = try Self.productID(context)
            do throws(ValidationError) { try Check.identifier(id, "id") } catch { throw APIError(error) }
            return try JSONCoding.response(try await self.product(id))
        }
        admin.delete("/v1/users/{id}") { _, context in
            let shopper = try Self.pathID(context)
            do throws(ValidationError) { try Check.identifier(shopper, "id") } catch { throw APIError(error) }
            return try JSONCoding.response(try await writes.erase(shopper: shopper))
        }
        admin.get("/v1/users/{id}/export") { request, context in
            let shopper = try Self.pathID(context)
            do throws(ValidationError) { try Check.identifier(shopper, "id") } catch { throw APIError(error) }
            return try JSONCoding.response(try await self.export(shopper, replica: request.uri.queryParameters.get("replica")))
        }
        admin.get("/v1/cluster") { _, _ in try JSONCoding.response(await self.clusterStatus()) }
        addIdentityRoutes(to: shop, writes: writes)
        addIntegrationRoutes(to: shop, writes: writes)
        addExperimentRoutes(to: shop)
        addSegmentRoutes(to: shop)
        addDecisionPointRoutes(to: shop)
        addStrategyRoutes(to: shop)
        addDecisionRoutes(storefront: storefront, shop: shop, recommender: recommender)
        addSituationRoutes(to: shop)
        addReportRoutes(to: shop)
        addKeyRoutes(to: admin)
        addCatalogRoutes(to: shop, admin: admin)
        addTraceRoutes(to: admin)
        for path in ["/v1/recommendations", "/v1/events", "/v1/decisions"] {
            router.on(RouterPath(path), method: .options) { request, _ in try self.preflight(request) }
        }
        router.get("/healthz") { _, _ in try JSONCoding.response(["status": "ok"]) }
        router.get("/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = Observability.contentType
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: Observability.exposition())))
        }
        router.get("/readyz") { _, _ in
            if let problem = self.notReadyBecause { throw APIError(status: .serviceUnavailable, field: nil, problem: problem) }
            if self.access.mode.isOpen {
                self.logger.warning("the public API takes no keys (--insecure-no-auth): anyone who reaches this gateway may read and erase every shopper's data")
                return try JSONCoding.response(["status": "ready", "access": "open"])
            }
            return try JSONCoding.response(["status": "ready", "access": "keys"])
        }
    }

    /// A CORS preflight: allowed for an origin a live public key lists (any origin when
    /// the gateway is open); the browser then sends the request with its key.
    private func preflight(_ request: Request) throws -> Response {
        guard let origin = request.headers[.origin] else {
            throw APIError(status: .badRequest, field: "Origin", problem: "a CORS preflight names its Origin")
        }
        guard let allowed = access.allowedOrigin(origin, caller: nil) else {
            throw APIError(status: .forbidden, field: "Origin", problem: "'\(origin)' is not an origin of any public key")
        }
        var headers = HTTPFields()
        headers[.accessControlAllowOrigin] = allowed
        headers[.accessControlAllowMethods] = "POST, OPTIONS"
        headers[.accessControlAllowHeaders] = "authorization, content-type"
        headers[.accessControlMaxAge] = "600"
        headers[.vary] = "Origin"
        return Response(status: .noContent, headers: headers)
    }

    /// The `{id}` path parameter, percent-decoded (ids may hold any character).
    private static func productID(_ context: GatewayRequestContext) throws -> String { try pathID(context) }

    static func pathID(_ context: GatewayRequestContext) throws -> String {
        let raw = try context.parameters.require("id")
        guard let id = raw.removingPercentEncoding else {
            throw APIError(status: .badRequest, field: "id", problem: "is not valid percent-encoding")
        }
        return id
    }

    /// Everything one complete replica holds about the shopper.
    /// `replica`: ask that replica only (an audit of every copy), else the first that answers.
    private func export(_ shopper: String, replica: String?) async throws -> ShopperExport {
        var request = WireExportRequest()
        request.user = shopper
        let partition = cluster.shardMap.partition(of: shopper)
        let replicas = cluster.shardMap.replicas(of: partition)
        if let replica, !replicas.contains(replica) {
            throw APIError(status: .badRequest, field: "replica", problem: "'\(replica)' is not a replica of partition \(partition) (\(replicas.joined(separator: ", ")))")
        }
        var failures: [String] = []
        for member in replica.map({ [$0] }) ?? cluster.readOrder(of: partition) {
            do {
                let response: WireExportResponse = try await cluster.call(member, WireMethods.exportShopper, request, timeout: .seconds(5))
                return ShopperExport(shopper: shopper, replica: member, partition: partition, replicas: replicas, response: response)
            } catch let error as NodeCallError {
                failures.append("\(member): \(error.message)")
            }
        }
        throw APIError(
            status: .serviceUnavailable, field: nil,
            problem: "no complete replica of partition \(partition) answered (\(failures.joined(separator: "; ")))"
        )
    }

    private func product(_ id: String) async throws -> ProductStatus {
        var request = WireProductGetRequest()
        request.id = id
        let partition = cluster.shardMap.partition(of: id)
        let response: WireProductGetResponse
        do {
            response = try await cluster.callAnyReplica(of: partition, WireMethods.product, request, attemptTimeout: .seconds(1))
        } catch {
            throw APIError(status: .serviceUnavailable, field: nil, problem: "no replica of partition \(partition) answered (\(error))")
        }
        guard response.found else { throw APIError(status: .notFound, field: "id", problem: "no product '\(id)'") }
        var status = ProductStatus(
            product: response.product.model, stock: response.hasStock ? response.stock.quantity : nil,
            stockVersion: response.hasStock ? response.stock.version : nil, partition: partition,
            replicas: cluster.shardMap.replicas(of: partition)
        )
        (status.popularity, status.trend) = counterReading(of: id)
        return status
    }

    private func clusterStatus() async -> ClusterStatus {
        let map = cluster.shardMap
        let known = cluster.members
        let members = await withTaskGroup(of: ClusterStatus.Member.self) { group in
            for name in map.members {
                group.addTask {
                    let address = known.endpoint(of: name).map(\.description) ?? "unknown"
                    var entry = ClusterStatus.Member(name: name, address: address, state: "unreachable")
                    do {
                        let status: WireNodeStatus = try await self.cluster.call(
                            name, WireMethods.status, WirePingRequest(), timeout: .milliseconds(500)
                        )
                        entry.state = "up"
                        entry.ready = status.ready
                        entry.partitions = status.partitions.count
                        entry.heldPartitions = status.partitions.map(Int.init)
                        entry.incompletePartitions = status.incompletePartitions.map(Int.init)
                        entry.storedRecords = status.storedRecords
                        entry.products = status.products
                        entry.shoppers = status.shoppers
                        entry.events = status.events
                    } catch {
                        entry.error = (error as? NodeCallError)?.message ?? "\(error)"
                    }
                    return entry
                }
            }
            var members: [ClusterStatus.Member] = []
            for await member in group { members.append(member) }
            return members.sorted { $0.name < $1.name }
        }
        return ClusterStatus(
            partitionCount: map.partitionCount, replicationFactor: map.replicationFactor,
            writeQuorum: configuration.writeQuorum, members: members, gatewayCatalogSize: mirror.count,
            partitions: (0..<map.partitionCount).map { ClusterStatus.Partition(partition: $0, replicas: map.replicas(of: $0)) },
            gossip: gossip.current.map { GossipReport($0.snapshot, member: configuration.name) },
            scatter: ClusterStatus.Scatter(hedgesSent: cluster.hedgesSent.load(ordering: .relaxed), replicaP95Ms: cluster.latencyPercentiles),
            counters: await counterReadings(members: map.members)
        )
    }

    /// Every member's reading of this gateway's five most popular products.
    private func counterReadings(members: [String]) async -> [ClusterStatus.Counter] {
        guard let gossip = gossip.current else { return [] }
        let products = gossip.mostPopular(5)
        guard !products.isEmpty else { return [] }
        var counters = gossip.counters(of: products).map {
            ClusterStatus.Counter(product: $0.product, popularity: [configuration.name: $0.popularity], trend: [configuration.name: $0.trend])
        }
        let body = products.joined(separator: "\n")
        for member in members {
            guard let answer = try? await cluster.callForDiagnostics(member, WireMethods.readCounters, WireText(body), timeout: .milliseconds(500)),
                let readings = try? JSONDecoder().decode([CounterReading].self, from: Data(answer.json.utf8))
            else { continue }
            for reading in readings {
                guard let index = counters.firstIndex(where: { $0.product == reading.product }) else { continue }
                counters[index].popularity[member] = reading.popularity
                counters[index].trend[member] = reading.trend
            }
        }
        return counters
    }
}
