import Foundation
import Testing

/// `tailor local`, the README's run command: it starts a cluster that answers, and
/// SIGTERM stops every process it started.
@Suite("tailor local", .serialized)
struct LocalCommandTests {
    @Test("starts nodes and a gateway that answer, and SIGTERM leaves no process behind")
    func startAndStop() async throws {
        let ports = try FreePorts.take(4)
        let launcher = Process()
        launcher.executableURL = ClusterProcess.executable
        // Node ports follow --node-port; take three consecutive free ones by probing.
        let nodePort = try Self.consecutiveFreePorts(3)
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
        #expect(HTTPProbeStatus.get(port: ports[0], path: "/readyz") == 200)

        let children = Self.children(of: launcher.processIdentifier)
        #expect(children.count == 4, "expected 3 nodes and a gateway, found \(children)")

        kill(launcher.processIdentifier, SIGTERM)
        launcher.waitUntilExit()
        #expect(launcher.terminationStatus == 0)
        for child in children {
            #expect(kill(child, 0) == -1 && errno == ESRCH, "child \(child) still exists after the launcher stopped")
        }
    }

    /// The process ids whose parent is `pid` (from /proc).
    static func children(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { candidate in
            guard let stat = try? String(contentsOfFile: "/proc/\(candidate)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && Int32(fields[1]) == pid
        }
    }

    static func consecutiveFreePorts(_ count: Int) throws -> Int {
        for _ in 0..<50 {
            let base = try FreePorts.take(1)[0]
            guard base + count < 65_535 else { continue }
            if (0..<count).allSatisfy({ HTTPProbeStatus.isFree(port: base + $0) }) { return base }
        }
        throw ClusterError("no \(count) consecutive free ports")
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
        throw ClusterError("'\(marker)' did not appear within \(timeout); output so far:\n\(text.value)")
    }
}

final class LockedText: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    func append(_ more: String) { lock.withLock { text += more } }
    var value: String { lock.withLock { text } }
}

/// Small socket helpers for the launcher test.
enum HTTPProbeStatus {
    /// Runs `body` (bind or connect) on a new TCP socket with 127.0.0.1:`port`.
    private static func withLoopback<T>(port: Int, _ body: (Int32, UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    static func isFree(port: Int) -> Bool {
        withLoopback(port: port) { fd, address, length in bind(fd, address, length) == 0 }
    }

    static func get(port: Int, path: String) -> Int? {
        withLoopback(port: port) { fd, address, length -> Int? in
            guard connect(fd, address, length) == 0 else { return nil }
            return exchange(fd, path: path)
        }
    }

    private static func exchange(_ fd: Int32, path: String) -> Int? {
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > 12 else { return nil }
        let parts = String(decoding: buffer[0..<count], as: UTF8.self).split(separator: " ")
        return parts.count > 1 ? Int(parts[1]) : nil
    }
}
