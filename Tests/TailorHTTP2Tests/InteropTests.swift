import Foundation
import TailorProcess
import HTTPTypes
import NIOCore
import Testing

@testable import TailorHTTP2

@Suite("Interop with independent HTTP/2 implementations")
struct InteropTests {
    // MARK: Other clients against Tailor's server

    @Test("nghttp POSTs to Tailor's server and gets 200 with its body echoed", .enabled(if: ExternalTool.isAvailable("nghttp")))
    func nghttpAgainstServer() async throws {
        let text = "hello from nghttp \(UUID().uuidString)"
        try await withTemporaryDirectory { directory in
            let small = directory.appendingPathComponent("small.txt")
            try Data(text.utf8).write(to: small)
            let large = directory.appendingPathComponent("large.bin")
            let largeBytes = Data(payload(300 << 10).readableBytesView)
            try largeBytes.write(to: large)
            try await withServer(testRouter()) { _, peer in
                let url = "http://127.0.0.1:\(peer.port)/echo"
                let verbose = try await ExternalTool.run("nghttp", ["-v", "-t", "20", "-d", small.path, url])
                #expect(verbose.status == 0, "\(verbose)")
                #expect(verbose.stdoutText.contains(":status: 200"), "\(verbose)")
                #expect(verbose.stdoutText.contains(text), "\(verbose)")

                // Without -v stdout is the body alone: larger than every window, it must come back byte for byte.
                let quiet = try await ExternalTool.run("nghttp", ["-t", "20", "-d", large.path, url])
                #expect(quiet.status == 0, "\(quiet)")
                #expect(quiet.stdout == largeBytes, "\(quiet.stdout.count) bytes back, \(largeBytes.count) sent")
            }
        }
    }

    @Test("curl with HTTP/2 prior knowledge POSTs to Tailor's server and gets its body back over HTTP/2", .enabled(if: ExternalTool.isAvailable("curl")))
    func curlAgainstServer() async throws {
        try await withTemporaryDirectory { directory in
            let request = directory.appendingPathComponent("request.bin")
            let sent = Data(payload(200 << 10, seed: 3).readableBytesView)
            try sent.write(to: request)
            let response = directory.appendingPathComponent("response.bin")
            try await withServer(testRouter()) { _, peer in
                let run = try await ExternalTool.run(
                    "curl",
                    [
                        "-sS", "--http2-prior-knowledge", "--max-time", "20",
                        "--data-binary", "@\(request.path)", "-o", response.path,
                        "-w", "%{http_version} %{http_code}",
                        "http://127.0.0.1:\(peer.port)/echo",
                    ]
                )
                #expect(run.status == 0, "\(run)")
                #expect(run.stdoutText == "2 200", "\(run)")
                #expect(try Data(contentsOf: response) == sent)
            }
        }
    }

    @Test("curl sending a malformed tailor-timeout-ms gets 400 with a JSON error naming the header", .enabled(if: ExternalTool.isAvailable("curl")))
    func curlBadDeadlineHeader() async throws {
        try await withTemporaryDirectory { directory in
            let response = directory.appendingPathComponent("response.json")
            try await withServer(testRouter()) { _, peer in
                let run = try await ExternalTool.run(
                    "curl",
                    [
                        "-sS", "--http2-prior-knowledge", "--max-time", "20",
                        "-X", "POST", "-H", "tailor-timeout-ms: abc", "-o", response.path,
                        "-w", "%{http_version} %{http_code} %{content_type}",
                        "http://127.0.0.1:\(peer.port)/echo",
                    ]
                )
                #expect(run.status == 0, "\(run)")
                #expect(run.stdoutText == "2 400 application/json", "\(run)")
                let body = try Data(contentsOf: response)
                let json = try JSONSerialization.jsonObject(with: body) as? [String: Any]
                let message = json?["error"] as? String
                #expect(message?.contains(HTTP2Deadline.headerName) == true, "body: \(String(decoding: body, as: UTF8.self))")
            }
        }
    }

    // MARK: Tailor's client against other servers

    @Test("Tailor's client GETs a 100 KiB file from nghttpd, once and 100 times concurrently", .enabled(if: ExternalTool.isAvailable("nghttpd")))
    func clientAgainstNghttpd() async throws {
        let file = Data(payload(100 << 10, seed: 11).readableBytesView)
        try await withTemporaryDirectory { directory in
            try file.write(to: directory.appendingPathComponent("file.bin"))
            try await withNghttpd(serving: directory) { peer in
                try await withClient { client in
                    let one = try await client.call(peer, method: .get, path: "/file.bin", timeout: .seconds(10))
                    #expect(one.status == .ok)
                    #expect(Data(one.body.readableBytesView) == file)

                    let intact = try await withThrowingTaskGroup(of: Bool.self) { group in
                        for _ in 0..<100 {
                            group.addTask {
                                let response = try await client.call(peer, method: .get, path: "/file.bin", timeout: .seconds(20))
                                return response.status == .ok && Data(response.body.readableBytesView) == file
                            }
                        }
                        var count = 0
                        for try await ok in group where ok { count += 1 }
                        return count
                    }
                    #expect(intact == 100)
                }
            }
        }
    }

    @Test("Tailor's client calls a swift-nio-http2 server: one call, then 50 concurrent calls up to 256 KiB")
    func clientAgainstSwiftNIOHTTP2() async throws {
        try await withNIOHTTP2EchoServer { peer in
            try await withClient { client in
                let one = try await client.call(peer, path: "/echo", body: ByteBuffer(string: "hello swift-nio-http2"))
                #expect(one.status == .ok)
                #expect(String(buffer: one.body) == "hello swift-nio-http2")

                // Sizes around the frame size (16 KiB) and the default window (64 KiB - 1).
                let sizes = [0, 1, 100, 16_383, 16_384, 16_385, 65_535, 65_536, 100_000, 256 << 10]
                let intact = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for index in 0..<50 {
                        group.addTask {
                            let body = payload(sizes[index % sizes.count], seed: UInt8(index))
                            let response = try await client.call(peer, path: "/echo", body: body, timeout: .seconds(20))
                            return response.status == .ok && response.body == body
                        }
                    }
                    var count = 0
                    for try await ok in group where ok { count += 1 }
                    return count
                }
                #expect(intact == 50)
            }
        }
    }
}
