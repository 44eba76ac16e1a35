import ArgumentParser
import Foundation
import Testing
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

    @Test("starts nodes and a gateway that answer, and SIGTERM leaves no process behind")
    func startAndStop() async throws {
        let ports = try FreePorts.take(4)
        let launcher = Process()
        launcher.executableURL = TestCluster.executable
        // The nodes' ports, then the gateway's internal (gossip) port, follow --node-port;
        // take four consecutive free ones by probing.
        let nodePort = try Self.consecutiveFreePorts(4)
        launcher.arguments = [
            "local", "--nodes", "3", "--port", String(ports[0]), "--node-port", String(nodePort),
            "--demo-small", "--partitions", "16",
        ]
        let output = Pipe()
        launcher.standardOutput = output
        launcher.standardError = FileHandle.nullDevice
        try launcher.run()
        defer { if launcher.isRunning { kill(launcher.processIdentifier, SIGKILL) } }

        let banner = try await Self.readUntil("Tailor is running", from: output.fileHandleForReading, timeout: .seconds(60))
        #expect(banner.contains("http://127.0.0.1:\(ports[0])"))
        #expect(await PublicAPIClient(gateway: GatewayAddress(host: "127.0.0.1", port: ports[0])).isReady())

        let children = ProcessCPU.children(of: launcher.processIdentifier)
        #expect(children.count == 4, "expected 3 nodes and a gateway, found \(children)")

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
