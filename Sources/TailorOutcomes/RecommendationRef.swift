import Foundation
import TailorModel
import TailorTrust

/// What a `recommendationId` says about the answer it names: when it was made, for
/// which placement, under which experiment, variant and context value, and the
/// probability the allocation gave that variant (for counterfactual estimates).
///
/// A decision's id (`decisionId`) is the same kind of id with a ``point``: the decision
/// point answered, `variant` the treatment chosen (with or without an experiment), so
/// its impressions, clicks and purchases count per treatment like a recommendation's.
///
/// The id is self-describing (these fields, a random nonce and a MAC under the
/// cluster secret, URL-safe base64): no member has to store every answer to
/// attribute the events that name it, nothing is lost when a gateway restarts, and an
/// id this cluster did not make is refused where it enters (``RecommendationIDCodec``).
package struct RecommendationRef: Sendable, Hashable {
    /// Milliseconds since the epoch, at the gateway that answered.
    package var issuedMillis: Int64
    package var nonce: UInt64
    package var placement: Placement
    /// Empty when no experiment ran on the placement.
    package var experiment: String
    package var variant: String
    /// The value of the experiment's context fact (`mobile`, …), empty when none.
    package var context: String
    /// The probability of the variant shown, given the context (1 without an experiment).
    package var propensity: Float
    /// The decision point a decision was made for; empty for a recommendation. When
    /// set, it stands where the placement would (``cell``) and `placement` means nothing.
    package var point: String

    package init(
        issuedMillis: Int64, nonce: UInt64, placement: Placement, experiment: String = "", variant: String = "",
        context: String = "", propensity: Float = 1, point: String = ""
    ) {
        self.issuedMillis = issuedMillis
        self.nonce = nonce
        self.placement = placement
        self.experiment = experiment
        self.variant = variant
        self.context = context
        self.propensity = propensity
        self.point = point
    }

    /// A decision on `point` that chose `treatment` (under `experiment` when one ran there).
    package static func decision(
        issuedMillis: Int64, nonce: UInt64, point: String, treatment: String, experiment: String = "",
        context: String = "", propensity: Float = 1
    ) -> RecommendationRef {
        // The placement byte is still written (one layout for both kinds); the point rules.
        RecommendationRef(
            issuedMillis: issuedMillis, nonce: nonce, placement: Placement.allCases[0], experiment: experiment,
            variant: treatment, context: context, propensity: propensity, point: point
        )
    }

    /// Whether this names a decision (a point's treatment) rather than a recommendation.
    package var isDecision: Bool { !point.isEmpty }

    /// One recommendation or decision however its id is spelled (base64 has spellings
    /// that read as the same bytes): when it was made and its nonce.
    package var canonicalKey: String { String(issuedMillis) + ":" + String(nonce) }

    /// The cell this recommendation's outcomes count in: a decision's in its point's
    /// placement column (point ids never spell a placement).
    package var cell: CellKey {
        CellKey(
            day: CellKey.day(ofMillis: issuedMillis), placement: isDecision ? point : placement.rawValue,
            experiment: experiment, variant: variant, context: context
        )
    }
}

/// Makes and reads `recommendationId`s. With a secret, ids carry a 10-byte MAC and an
/// id whose MAC does not match is refused; without one (a gateway run with
/// `--insecure-no-auth` and no secret) they carry none and any well-formed id reads.
package struct RecommendationIDCodec: Sendable {
    let secret: ClusterSecret?
    /// Version 1: a recommendation. Version 2 adds the decision point after the context;
    /// it is written only when there is a point, so recommendation ids are unchanged and
    /// the version-1 ids in flight and stored with events keep reading.
    static let version: UInt8 = 1
    static let pointVersion: UInt8 = 2
    static let macBytes = 10
    static let purpose = "tailor recommendation id v1"

    package init(secret: ClusterSecret?) {
        self.secret = secret
    }

    package func encode(_ ref: RecommendationRef) -> String {
        var bytes: [UInt8] = [ref.isDecision ? Self.pointVersion : Self.version]
        bytes.reserveCapacity(64)
        Self.append(UInt64(bitPattern: ref.issuedMillis), to: &bytes)
        Self.append(ref.nonce, to: &bytes)
        bytes.append(UInt8(Placement.allCases.firstIndex(of: ref.placement) ?? 0))
        Self.append(UInt64(ref.propensity.bitPattern), to: &bytes)
        for text in ref.isDecision ? [ref.experiment, ref.variant, ref.context, ref.point] : [ref.experiment, ref.variant, ref.context] {
            let utf8 = Array(text.utf8.prefix(255))
            bytes.append(UInt8(utf8.count))
            bytes += utf8
        }
        if let secret { bytes += secret.authenticationCode(for: bytes, purpose: Self.purpose).prefix(Self.macBytes) }
        return Base64URL.encode(bytes)
    }

    /// The fields of `id`, or nil when it is not an id this cluster made.
    package func decode(_ id: String) -> RecommendationRef? {
        guard id.utf8.count <= 1_024, var bytes = Base64URL.decode(id), let first = bytes.first, Self.reads(first) else { return nil }
        if let secret {
            guard bytes.count > Self.macBytes else { return nil }
            let mac = Array(bytes.suffix(Self.macBytes))
            bytes.removeLast(Self.macBytes)
            let expected = Array(secret.authenticationCode(for: bytes, purpose: Self.purpose).prefix(Self.macBytes))
            // Constant time: every byte compared whatever the first difference.
            guard zip(mac, expected).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0 else { return nil }
        }
        return Self.fields(of: bytes)
    }

    /// Reads the fields without checking a MAC: for members behind the gateway, which
    /// already checked it, and for ids stored with events.
    package static func fields(ofID id: String) -> RecommendationRef? {
        guard let bytes = Base64URL.decode(id), let first = bytes.first, reads(first) else { return nil }
        return fields(of: bytes)
    }

    private static func reads(_ version: UInt8) -> Bool { version == Self.version || version == pointVersion }

    private static func fields(of bytes: [UInt8]) -> RecommendationRef? {
        var offset = 1
        func u64() -> UInt64? {
            guard offset + 8 <= bytes.count else { return nil }
            var value: UInt64 = 0
            for byte in bytes[offset..<offset + 8] { value = value << 8 | UInt64(byte) }
            offset += 8
            return value
        }
        func text() -> String? {
            guard offset < bytes.count else { return nil }
            let count = Int(bytes[offset])
            offset += 1
            guard offset + count <= bytes.count else { return nil }
            defer { offset += count }
            return String(decoding: bytes[offset..<offset + count], as: UTF8.self)
        }
        guard let issued = u64(), let nonce = u64(), offset < bytes.count else { return nil }
        let placementIndex = Int(bytes[offset])
        offset += 1
        guard placementIndex < Placement.allCases.count, let propensityBits = u64(),
              let experiment = text(), let variant = text(), let context = text()
        else { return nil }
        var point = ""
        if bytes[0] == pointVersion {
            guard let read = text(), !read.isEmpty else { return nil }
            point = read
        }
        let propensity = Float(bitPattern: UInt32(truncatingIfNeeded: propensityBits))
        guard propensity.isFinite, propensity > 0, propensity <= 1 else { return nil }
        return RecommendationRef(
            issuedMillis: Int64(bitPattern: issued), nonce: nonce, placement: Placement.allCases[placementIndex],
            experiment: experiment, variant: variant, context: context, propensity: propensity, point: point
        )
    }

    private static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

}
