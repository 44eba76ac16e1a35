import Foundation
public import TailorMembership

/// The JSON form of a member's gossip state: `GET /internal/membership` on every
/// member, and the `gossip` part of the gateway's `GET /v1/cluster`.
public struct GossipReport: Codable, Sendable, Equatable {
    public struct Member: Codable, Sendable, Equatable {
        public var name: String
        public var generation: UInt64
        public var address: String
        public var role: String
        public var status: String
        public var incarnation: UInt64
    }

    public var member: String
    public var incarnation: UInt64
    public var localHealth: Int
    public var members: [Member]
    public var probes: Int
    public var failedProbes: Int
    public var refutations: Int
    public var gossipRounds: Int
    public var syncs: Int
    public var messagesSent: Int
    public var bytesSent: Int
    public var messagesReceived: Int
    public var bytesReceived: Int
    public var uptimeSeconds: Double
    /// Gossip bytes sent per second since start.
    public var bytesSentPerSecond: Double
    /// Products with popularity and trend counters on this member, and their landmark.
    public var counterProducts: Int
    public var counterLandmarkMillis: Int64

    public init(_ snapshot: GossipSnapshot, member: String) {
        self.member = member
        incarnation = snapshot.incarnation
        localHealth = snapshot.localHealth
        members = snapshot.view.map { update in
            Member(
                name: update.member.name, generation: update.member.id.generation, address: update.member.address,
                role: update.member.role.rawValue, status: update.status.rawValue, incarnation: update.incarnation
            )
        }
        probes = snapshot.statistics.probes
        failedProbes = snapshot.statistics.failedProbes
        refutations = snapshot.statistics.refutations
        gossipRounds = snapshot.statistics.gossipRounds
        syncs = snapshot.statistics.syncs
        messagesSent = snapshot.traffic.messagesSent
        bytesSent = snapshot.traffic.bytesSent
        messagesReceived = snapshot.traffic.messagesReceived
        bytesReceived = snapshot.traffic.bytesReceived
        let (seconds, attoseconds) = snapshot.uptime.components
        uptimeSeconds = Double(seconds) + Double(attoseconds) / 1e18
        bytesSentPerSecond = uptimeSeconds > 0 ? Double(bytesSent) / uptimeSeconds : 0
        counterProducts = snapshot.counterProducts
        counterLandmarkMillis = snapshot.counterLandmark
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
