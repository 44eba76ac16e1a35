import Foundation
import TailorMembership

/// The JSON form of a member's gossip state: `GET /internal/membership` on every
/// member, and the `gossip` part of the gateway's `GET /v1/cluster`.
package struct GossipReport: Codable, Sendable, Equatable {
    package struct Member: Codable, Sendable, Equatable {
        package var name: String
        package var generation: UInt64
        package var address: String
        package var role: String
        package var status: String
        package var incarnation: UInt64
    }

    package var member: String
    package var incarnation: UInt64
    package var localHealth: Int
    package var members: [Member]
    package var probes: Int
    package var failedProbes: Int
    package var refutations: Int
    package var gossipRounds: Int
    package var syncs: Int
    package var messagesSent: Int
    package var bytesSent: Int
    package var messagesReceived: Int
    package var bytesReceived: Int
    package var uptimeSeconds: Double
    /// Gossip bytes sent per second since start.
    package var bytesSentPerSecond: Double
    /// Products with popularity and trend counters on this member, and their landmark.
    package var counterProducts: Int
    package var counterLandmarkMillis: Int64
    /// A hash of the counters (16 hex digits): equal on members that hold the same.
    package var counterDigest: String

    package init(_ snapshot: GossipSnapshot, member: String) {
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
        counterDigest = String(format: "%016llx", snapshot.counterDigest)
    }

    package func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
