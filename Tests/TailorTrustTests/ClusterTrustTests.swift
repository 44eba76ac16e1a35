import Foundation
import Testing
@testable import TailorTrust

@Suite struct ClusterTrustTests {
    let secret = try! ClusterSecret(text: String(repeating: "ab", count: 16))
    let other = try! ClusterSecret(text: String(repeating: "cd", count: 16))

    private func sign(_ trust: ClusterTrust, _ method: String, _ path: String, _ body: [UInt8], at now: Int64) -> String? {
        body.withUnsafeBytes { trust.signature(method: method, path: path, body: $0, nowMillis: now) }
    }

    private func check(_ trust: ClusterTrust, _ method: String, _ path: String, _ header: String?, _ body: [UInt8], at now: Int64) -> String? {
        body.withUnsafeBytes { trust.refusal(method: method, path: path, header: header, body: $0, nowMillis: now) }
    }

    @Test func aSignedCallIsAcceptedOnceAndItsReplayIsRefused() throws {
        let sender = ClusterTrust(secret: secret)
        let receiver = ClusterTrust(secret: secret)
        let body = Array("events".utf8)
        let header = try #require(sign(sender, "POST", "/internal/events", body, at: 1_000_000))
        #expect(check(receiver, "POST", "/internal/events", header, body, at: 1_000_100) == nil)
        #expect(check(receiver, "POST", "/internal/events", header, body, at: 1_000_200)?.contains("replayed") == true)
    }

    @Test func anythingChangedBreaksTheSignature() throws {
        let sender = ClusterTrust(secret: secret)
        let body = Array("{}".utf8)
        let header = try #require(sign(sender, "POST", "/internal/events", body, at: 5_000))
        // Each receiver is fresh, so a refusal is the signature's, not the replay check's.
        #expect(check(ClusterTrust(secret: secret), "POST", "/internal/events", header, Array("{ }".utf8), at: 5_000)?.contains("bad signature") == true)
        #expect(check(ClusterTrust(secret: secret), "POST", "/internal/score", header, body, at: 5_000)?.contains("bad signature") == true)
        #expect(check(ClusterTrust(secret: secret), "GET", "/internal/events", header, body, at: 5_000)?.contains("bad signature") == true)
        #expect(check(ClusterTrust(secret: other), "POST", "/internal/events", header, body, at: 5_000)?.contains("bad signature") == true)
        #expect(check(ClusterTrust(secret: secret), "POST", "/internal/events", header, body, at: 5_000) == nil)
    }

    @Test func unsignedMalformedAndStaleCallsAreRefused() throws {
        let trust = ClusterTrust(secret: secret)
        #expect(check(trust, "GET", "/internal/status", nil, [], at: 0)?.contains("unsigned") == true)
        #expect(check(trust, "GET", "/internal/status", "v1 12 zz 00", [], at: 0)?.contains("malformed") == true)
        let header = try #require(sign(trust, "GET", "/internal/status", [], at: 100_000))
        let skew = ClusterTrust.skew.components.seconds * 1000
        #expect(check(trust, "GET", "/internal/status", header, [], at: 100_000 + skew + 1)?.contains("away from this member's clock") == true)
        #expect(check(trust, "GET", "/internal/status", header, [], at: 100_000 - skew - 1)?.contains("away from this member's clock") == true)
    }

    @Test func anOpenTrustSignsAndChecksNothing() {
        #expect(sign(.open, "GET", "/internal/status", [], at: 0) == nil)
        #expect(check(.open, "GET", "/internal/status", nil, [], at: 0) == nil)
    }

    @Test func shortSecretsAreRefusedAndTheFingerprintTellsSecretsApart() {
        #expect(throws: TrustSetupError.self) { try ClusterSecret(text: "too short\n") }
        #expect(secret.fingerprint != other.fingerprint)
        #expect(secret.fingerprint == (try? ClusterSecret(text: String(repeating: "ab", count: 16) + "\n"))?.fingerprint)
    }

    @Test func theReplayWindowKeepsANonceAtLeastOneWindowAndForgetsItAfterTwo() {
        var window = ReplayWindow()
        var fresh: [Bool] = []
        func nonce(_ digit: Character) -> Nonce { Nonce(hex: String(repeating: digit, count: 32).utf8)! }
        for (digit, now) in [("a", 0), ("a", 99), ("b", 150), ("a", 160), ("c", 260), ("a", 261)] as [(Character, Int64)] {
            fresh.append(window.insert(nonce(digit), nowMillis: now, windowMillis: 100))
        }
        // a is refused within the window and after the first rotation (previous
        // generation), and accepted again once two rotations have dropped it.
        #expect(fresh == [true, false, true, false, true, true])
        #expect(window.count <= 4)
    }

    @Test func apiKeysAreLongRandomAndStoredAsHashes() {
        let key = APIKeyText.generate(rolePrefix: "public")
        #expect(key.hasPrefix("tk_public_"))
        #expect(key.count == "tk_public_".count + 43)
        #expect(APIKeyText.generate(rolePrefix: "public") != key)
        #expect(APIKeyText.hash(key).count == 64)
        #expect(APIKeyText.hash(key) == APIKeyText.hash(key))
    }
}
