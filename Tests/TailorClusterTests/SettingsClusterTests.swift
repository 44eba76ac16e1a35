import Foundation
import Testing
import TailorTesting
import TailorProcess

extension ProcessSuites {
    /// Settings from `TAILOR_*` variables and a config file, on real processes.
    @Suite("settings on real processes", .serialized)
    struct SettingsClusterTests {
        @Test("members take their settings from TAILOR_* variables and a config file, the variable winning over the file")
        func settingsFromEnvironmentAndFile() async throws {
            let ports = try FreePorts.take(2)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-settings-\(UUID().uuidString).json")
            try Data(#"{"node": {"metrics-listen": "127.0.0.1:\#(ports[1])"}, "gateway": {"write-quorum": 1}}"#.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            // Every member reads the file; n1 alone also has TAILOR_METRICS_LISTEN, which
            // wins over the file's (were it the other way, n1 and n2 would both take ports[1]).
            let cluster = try await TestCluster.start(nodes: 2, demo: false, replicas: 2) { name in
                ["TAILOR_CONFIG": file.path].merging(name == "n1" ? ["TAILOR_METRICS_LISTEN": "127.0.0.1:\(ports[0])"] : [:]) { $1 }
            }
            defer { cluster.stop() }

            let (status, body) = try await cluster.get("/v1/cluster")
            #expect(status == 200)
            let view = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
            #expect(view["writeQuorum"] as? Int == 1, "the gateway's section of the file sets W = 1 (the default is 2)")
            for port in ports {
                let (metricsStatus, metrics) = try await cluster.get("/metrics", on: URL(string: "http://127.0.0.1:\(port)")!)
                #expect(metricsStatus == 200)
                #expect(String(decoding: metrics, as: UTF8.self).contains("tailor_gossip_rounds_total"))
            }
        }

        @Test("a misspelt TAILOR_* variable stops a member before it starts, naming the variable")
        func misspeltVariableRefused() throws {
            let process = Process()
            process.executableURL = TestCluster.executable
            process.arguments = ["node", "--name", "n1", "--listen", "127.0.0.1:1", "--members", "n1=127.0.0.1:1"]
            process.environment = ProcessInfo.processInfo.environment.merging(["TAILOR_REPLICA": "2"]) { $1 }
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 64)
            #expect(text.contains("TAILOR_REPLICA: not a setting of any command"), "\(text)")
        }
    }
}
