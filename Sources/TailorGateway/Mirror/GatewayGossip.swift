import HTTPTypes
import Logging
import NIOCore
import ServiceLifecycle
import TailorGossip
import TailorHTTP2
import TailorMembership
import TailorRPC
import TailorWire

/// The gateway's membership: an internal HTTP/2 listener for gossip and the SWIM
/// shell, which joins the cluster as a member holding no partitions and reroutes
/// the gateway's calls when the shard map changes.
struct GatewayGossip: Service {
    let gateway: GatewayService
    let logger: Logger

    func run() async throws {
        let configuration = gateway.configuration
        var router = HTTP2Router()
        router.register(WireMethods.ping) { _ in WireText("pong \(configuration.name)\n") }
        gateway.gossip.register(on: &router)
        router.requireSignatures(configuration.trust)
        let listen = configuration.internalListen ?? Endpoint(host: configuration.listen.host, port: 0)
        var serverConfiguration = HTTP2ServerConfiguration.defaults
        serverConfiguration.host = listen.host
        serverConfiguration.port = listen.port
        let (bound, boundSink) = AsyncStream<SocketAddress>.makeStream()
        let server = HTTP2Server(configuration: serverConfiguration, router: router, logger: logger) { address in
            boundSink.yield(address)
            boundSink.finish()
        }
        let client = HTTP2Client(logger: logger)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await server.run()
                return false
            }
            var addresses = bound.makeAsyncIterator()
            let port = await addresses.next()?.port ?? listen.port
            let service = GossipService(
                myself: SWIMMember(
                    id: SWIMMemberID(name: configuration.name, generation: configuration.generation),
                    address: "\(configuration.advertiseHost ?? listen.host):\(port)", role: .gateway
                ),
                seeds: configuration.seeds + configuration.members.map { "\($0.host):\($0.port)" },
                settings: configuration.gossip, client: client, trust: configuration.trust, logger: logger,
                onChange: { [gateway, logger] view in
                    if gateway.cluster.update(gossip: view) {
                        logger.notice("shard map changed", metadata: ["data members": "\(gateway.cluster.shardMap.members)"])
                    }
                },
                inventory: gateway.mirror
            )
            gateway.gossip.set(service)
            group.addTask {
                try await service.run()
                return true
            }
            // Once the leave is sent, stop the listener too (peers keep their connections open).
            while let gossipEnded = try await group.next(), !gossipEnded {}
            group.cancelAll()
        }
        await client.shutdown()
    }
}
