import Foundation
import Testing
import TailorTesting

extension ProcessSuites {
    /// SIGTERM on real processes: a member stops taking work and finishes what it has.
    @Suite("graceful shutdown on real processes", .serialized)
    struct ShutdownClusterTests {
        @Test("a gateway sent SIGTERM while serving a write still answers it, then exits 0")
        func gatewayFinishesInFlightRequest() async throws {
            let cluster = try await TestCluster.start(nodes: 1, demo: false, replicas: 1)
            defer { cluster.stop() }
            // The node paused: the gateway's write waits for its replica, so it is in flight.
            cluster.pause("n1")
            let write = Task {
                try await cluster.post("/v1/events", json: #"{"events":[{"id":"e-shutdown","type":"view","user":"u1","product":"a"}]}"#)
            }
            let deadline = ContinuousClock.now + .seconds(10)
            var serving = false
            while !serving, ContinuousClock.now < deadline {
                let (_, body) = try await cluster.get("/metrics")
                serving = String(decoding: body, as: UTF8.self).contains(#"http_server_active_requests{http_request_method="POST"} 1"#)
                if !serving { try await Task.sleep(for: .milliseconds(20)) }
            }
            try #require(serving, "the gateway never showed the write in flight")

            cluster.signalTerminate("gateway")
            cluster.resume("n1")
            let (status, body) = try await write.value
            #expect(status == 200, "\(String(decoding: body, as: UTF8.self))")
            let exit = try await cluster.exitStatus(of: "gateway", within: .seconds(20))
            #expect(exit == 0)
            // Gone: nothing listens on its port any more.
            await #expect(throws: (any Error).self) { _ = try await cluster.get("/readyz") }
        }
    }
}
