import HTTPTypes
import NIOCore
import Synchronization
import Testing

@testable import TailorHTTP2

@Suite("Protections against abusive peers")
struct AttackTests {
    @Test("rapid reset (CVE-2023-44487): the server ends the abusive connection with GOAWAY and keeps serving others")
    func rapidReset() async throws {
        var configuration = HTTP2ServerConfiguration()
        configuration.streamResetBurst = 100
        configuration.streamResetRatePerSecond = 10
        let attempts = 2_000
        try await withServer(testRouter(), configuration: configuration) { _, peer in
            // Each stream is opened (HEADERS) and reset (RST_STREAM) at once; all of it leaves in one burst.
            let observations = try await RawSessionClient.run(against: peer) { session, burst in
                let headers = [
                    OutboundHeader(name: ":method", value: "POST"),
                    OutboundHeader(name: ":scheme", value: "http"),
                    OutboundHeader(name: ":authority", value: peer.description),
                    OutboundHeader(name: ":path", value: "/echo"),
                ]
                for _ in 0..<attempts {
                    let streamID = try session.submitRequest(headers, body: nil)
                    // HEADERS must be out before the reset, or nghttp2 cancels the request unsent.
                    try session.drainOutput(into: &burst, upTo: .max)
                    session.resetStream(streamID, errorCode: NGHTTP2Codes.cancel)
                    try session.drainOutput(into: &burst, upTo: .max)
                }
            }
            var seen: [RawClientObservation] = []
            for await observation in observations { seen.append(observation) }

            let goAways = seen.compactMap { observation -> (lastStreamID: Int32, errorCode: UInt32)? in
                if case .goAway(let lastStreamID, let errorCode) = observation { return (lastStreamID, errorCode) }
                return nil
            }
            #expect(!seen.contains(.timedOut), "the server neither sent GOAWAY nor closed: \(seen.suffix(5))")
            #expect(seen.last == .closed)
            let goAway = try #require(goAways.first, "no GOAWAY before the close: \(seen.suffix(5))")
            #expect(goAway.errorCode != NGHTTP2Codes.noError, "GOAWAY must carry an error code, got \(goAway.errorCode)")
            // nghttp2 sends INTERNAL_ERROR here, not ENHANCE_YOUR_CALM; either way the server
            // stopped after about `streamResetBurst` streams, far below the attacker's last (2 × attempts − 1).
            #expect(goAway.lastStreamID < Int32(2 * 2 * configuration.streamResetBurst))

            try await withClient { client in
                let response = try await client.call(peer, path: "/echo", body: ByteBuffer(string: "still here"))
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "still here")
            }
        }
    }

    @Test("more calls than the server's stream limit wait in the client's queue and all complete")
    func callsBeyondStreamLimit() async throws {
        try await callsBeyondStreamLimit(warmUp: true)
    }

    /// A connection starts taking calls only when the server's SETTINGS arrive: before
    /// them its stream limit is unknown, and a guess would get streams refused.
    @Test("calls beyond the stream limit on a fresh connection wait too, rather than being refused")
    func callsBeyondStreamLimitOnFreshConnection() async throws {
        try await callsBeyondStreamLimit(warmUp: false)
    }

    /// Ten calls on one connection to a server allowing four streams, whose handler waits
    /// on a gate: four start, the gate opens, and all ten must complete.
    private func callsBeyondStreamLimit(warmUp: Bool) async throws {
        let limit = 4
        let calls = 10
        let started = Signal()
        let gate = Gate()
        let running = Mutex((now: 0, most: 0))
        var router = HTTP2Router()
        router.on(.post, "/gated") { request, _ in
            running.withLock { counts in
                counts.now += 1
                counts.most = max(counts.most, counts.now)
            }
            started.fire()
            await gate.wait()
            running.withLock { $0.now -= 1 }
            return HTTP2Response(status: .ok, body: request.body)
        }
        var serverConfiguration = HTTP2ServerConfiguration()
        serverConfiguration.maxConcurrentStreams = limit
        var clientConfiguration = HTTP2ClientConfiguration.defaults
        clientConfiguration.connectionsPerPeer = 1
        try await withServer(router, configuration: serverConfiguration) { _, peer in
            try await withClient(clientConfiguration) { client in
                if warmUp {
                    // One call first, so the client has read the server's SETTINGS.
                    let response = try await client.call(peer, path: "/not-there")
                    #expect(response.status == .notFound)
                }
                let answers = await withTaskGroup(of: String.self) { group in
                    for index in 0..<calls {
                        group.addTask {
                            do {
                                let response = try await client.call(peer, path: "/gated", body: ByteBuffer(string: "\(index)"), timeout: .seconds(20))
                                return response.status == .ok ? String(buffer: response.body) : "status \(response.status.code)"
                            } catch {
                                // Failed calls never reach the handler: count them as started so the gate opens.
                                started.fire()
                                return "\(error)"
                            }
                        }
                    }
                    try? await started.wait(count: limit)
                    gate.open()
                    var answers: [String] = []
                    for await answer in group { answers.append(answer) }
                    return answers
                }
                #expect(answers.sorted() == (0..<calls).map(String.init).sorted())
            }
        }
        #expect(running.withLock { $0.most } <= limit)
    }
}
