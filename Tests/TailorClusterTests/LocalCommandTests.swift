import ArgumentParser
import Foundation
import Testing
import NIOHTTP1
@testable import TailorCommands
@testable import TailorLab
@testable import TailorEval
@testable import TailorSettings
@testable import TailorProcess
@testable import TailorClient
@testable import TailorTesting

/// `tailor local`, the README's run command: it starts a cluster that answers, and
/// SIGTERM stops every process it started.
extension ProcessSuites {
@Suite("tailor local", .serialized)
struct LocalCommandTests {
    @Test("event-loop thread counts outside 1...256 are refused, naming the flag")
    func threadCountsAreChecked() throws {
        for (arguments, flag) in [(["--node-threads", "0"], "--node-threads"), (["--gateway-threads", "257"], "--gateway-threads")] {
            do {
                _ = try LocalCommand.parse(arguments)
                Issue.record("\(arguments) was accepted")
            } catch {
                #expect(LocalCommand.message(for: error).contains(flag))
            }
        }
        #expect((try LocalCommand.parse(["--node-threads", "1", "--gateway-threads", "2"])).nodeThreads == 1)
        let node = ["--name", "n1", "--listen", "127.0.0.1:7101", "--members", "n1=127.0.0.1:7101"]
        do {
            _ = try NodeCommand.parse(node + ["--threads", "0"])
            Issue.record("--threads 0 was accepted")
        } catch {
            #expect(NodeCommand.message(for: error).contains("--threads"))
        }
    }

    @Test("a node takes the admin key and the public API's flags only with --public-listen")
    func nodeAdminKeyNeedsPublicListen() throws {
        let node = ["--name", "n1", "--listen", "127.0.0.1:7101", "--members", "n1=127.0.0.1:7101"]
        do {
            _ = try NodeCommand.parse(node + ["--admin-key-file", "/tmp/admin.key"])
            Issue.record("a node without --public-listen took the admin key")
        } catch {
            #expect(NodeCommand.message(for: error).contains("--public-listen"))
        }
        do {
            _ = try NodeCommand.parse(node + ["--public-listen", "127.0.0.1:8080", "--write-quorum", "3"])
            Issue.record("--write-quorum above --replicas was accepted")
        } catch {
            #expect(NodeCommand.message(for: error).contains("--write-quorum"))
        }
        let serving = try NodeCommand.parse(node + ["--public-listen", "127.0.0.1:8080", "--deadline-ms", "120", "--admin-key-file", "/tmp/admin.key"])
        #expect(serving.publicListen != nil)
        #expect(serving.api.deadlineMs == 120)
    }

    @Test("starts nodes and a gateway that answer, and SIGTERM leaves no process behind")
    func startAndStop() async throws {
        let ports = try FreePorts.take(4)
        // The nodes' ports, then the gateway's internal (gossip) port, follow --node-port;
        // take four consecutive free ones by probing.
        let nodePort = try Self.consecutiveFreePorts(4)
        let (launcher, output) = try Self.launchLocal(port: ports[0], nodePort: nodePort)
        defer { if launcher.isRunning { kill(launcher.processIdentifier, SIGKILL) } }

        let banner = try await Self.readUntil("Tailor is running", from: output.fileHandleForReading, timeout: .seconds(60))
        #expect(banner.contains("http://127.0.0.1:\(ports[0])"))
        #expect(await PublicAPIClient(gateway: GatewayAddress(host: "127.0.0.1", port: ports[0])).isReady())

        let children = ProcessCPU.children(of: launcher.processIdentifier)
        #expect(children.count == 4, "expected 3 nodes and a gateway, found \(children)")

        Self.stopExpectingNoneLeft(launcher, children: children)
    }

    @Test("--api-on-nodes: no gateway process, every node answers the public API in full, and a write through one is read through another")
    func apiOnNodes() async throws {
        let port = try Self.consecutiveFreePorts(3)
        let nodePort = try Self.consecutiveFreePorts(3)
        let (launcher, output) = try Self.launchLocal(port: port, nodePort: nodePort, ["--api-on-nodes"])
        defer { if launcher.isRunning { kill(launcher.processIdentifier, SIGKILL) } }

        let banner = try await Self.readUntil("Tailor is running", from: output.fileHandleForReading, timeout: .seconds(60))
        #expect(banner.contains("ports \(port)–\(port + 2)"), "\(banner)")
        let children = ProcessCPU.children(of: launcher.processIdentifier)
        #expect(children.count == 3, "expected 3 nodes and no gateway, found \(children)")

        let apis = (0..<3).map { PublicAPIClient(gateway: GatewayAddress(host: "127.0.0.1", port: port + $0)) }
        for (index, api) in apis.enumerated() {
            let (status, data) = try await api.send(.POST, "/v1/recommendations", json: #"{"user":"u00042","placement":"home_for_you","k":5}"#)
            #expect(status == 200, "n\(index + 1): \(String(decoding: data, as: UTF8.self))")
            let answer = DurabilityClusterTests.json(data)
            let coverage = answer["coverage"] as? [String: Any] ?? [:]
            #expect(coverage["answered"] as? Int == 16 && coverage["degraded"] as? Bool == false, "n\(index + 1): \(coverage)")
            #expect((answer["items"] as? [Any])?.count == 5)
        }
        let shopper = "api-on-nodes-\(UInt32.random(in: 0 ... .max))"
        let (written, body) = try await apis[0].send(
            .POST, "/v1/events", json: #"{"events":[{"id":"e-\#(shopper)","type":"view","user":"\#(shopper)","product":"p00001"}]}"#
        )
        #expect(written == 200, "\(String(decoding: body, as: UTF8.self))")
        // Acknowledged after W = 2 replicas stored it: every node's API reads it at once.
        for api in apis.dropFirst() {
            let (status, data) = try await api.send(.GET, "/v1/users/\(shopper)/export")
            #expect(status == 200)
            #expect((DurabilityClusterTests.json(data)["events"] as? [Any])?.count == 1, "\(String(decoding: data, as: UTF8.self))")
        }

        Self.stopExpectingNoneLeft(launcher, children: children)
    }

    /// Starts `tailor local` with three nodes on the small demo shop (16 partitions),
    /// its standard output piped for ``readUntil(_:from:timeout:)``.
    static func launchLocal(port: Int, nodePort: Int, _ more: [String] = []) throws -> (Process, Pipe) {
        let launcher = Process()
        launcher.executableURL = TestCluster.executable
        launcher.arguments = [
            "local", "--nodes", "3", "--port", String(port), "--node-port", String(nodePort),
            "--demo-small", "--partitions", "16",
        ] + more
        let output = Pipe()
        launcher.standardOutput = output
        launcher.standardError = FileHandle.nullDevice
        try launcher.run()
        return (launcher, output)
    }

    /// SIGTERMs the launcher and expects it to exit 0 leaving none of `children` behind.
    static func stopExpectingNoneLeft(_ launcher: Process, children: [Int32]) {
        kill(launcher.processIdentifier, SIGTERM)
        launcher.waitUntilExit()
        #expect(launcher.terminationStatus == 0)
        for child in children {
            #expect(kill(child, 0) == -1 && errno == ESRCH, "child \(child) still exists after the launcher stopped")
        }
    }

    static func consecutiveFreePorts(_ count: Int) throws -> Int {
        for _ in 0..<50 {
            let base = try FreePorts.take(1)[0]
            guard base + count < 65_535 else { continue }
            if (0..<count).allSatisfy({ FreePorts.isFree(base + $0) }) { return base }
        }
        throw LaunchError("no \(count) consecutive free ports")
    }

    /// Reads the launcher's output until `marker` appears (bounded by `timeout`).
    static func readUntil(_ marker: String, from handle: FileHandle, timeout: Duration) async throws -> String {
        let text = LockedText()
        handle.readabilityHandler = { handle in text.append(String(decoding: handle.availableData, as: UTF8.self)) }
        defer { handle.readabilityHandler = nil }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let seen = text.value
            if seen.contains(marker) { return seen }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw LaunchError("'\(marker)' did not appear within \(timeout); output so far:\n\(text.value)")
    }
}

final class LockedText: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    func append(_ more: String) { lock.withLock { text += more } }
    var value: String { lock.withLock { text } }
}
}
