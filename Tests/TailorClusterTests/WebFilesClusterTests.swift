import Foundation
import NIOCore
import NIOHTTP1
import Testing
import TailorClient
import TailorProcess
import TailorTesting

extension ProcessSuites {
    /// The files a gateway serves as they are: the console, the storefront snippet and
    /// the console's Debian libraries, with the headers that keep the console safe.
    @Suite("the console's and the snippet's files on a real gateway", .serialized)
    struct WebFilesClusterTests {
        @Test("the console page, the snippet and the libraries are served with their headers; no key needed, nothing outside the folders")
        func filesAreServed() async throws {
            let cluster = try await TestCluster.start(nodes: 1, demo: false, replicas: 1)
            defer { cluster.stop() }
            // No Authorization: the files hold no data (every call the console makes carries the key).
            let anonymous = cluster.client(key: nil)
            func get(_ path: String) async throws -> APIAnswer { try await anonymous.send(APIRequest(.GET, path)) }
            func header(_ answer: APIAnswer, _ name: String) -> String? {
                answer.headers.first { $0.0.lowercased() == name.lowercased() }?.1
            }

            let bare = try await get("/console")
            #expect(bare.status == 301)
            #expect(header(bare, "Location") == "/console/")

            let page = try await get("/console/")
            #expect(page.status == 200)
            #expect(header(page, "Content-Type")?.hasPrefix("text/html") == true)
            #expect(String(buffer: page.body).contains("<html"))
            #expect(header(page, "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
            #expect(header(page, "X-Frame-Options") == "DENY")
            #expect(header(page, "Referrer-Policy") == "no-referrer")

            let snippet = try await get("/sdk/tailor.js")
            #expect(snippet.status == 200)
            #expect(header(snippet, "Content-Type")?.contains("javascript") == true)
            #expect(header(snippet, "Access-Control-Allow-Origin") == "*")

            // Debian's libjs-bootstrap5 and libjs-chart.js (scripts/install-deps installs them).
            for library in ["/vendor/bootstrap5/css/bootstrap.min.css", "/vendor/chart.js/chart.min.js"] {
                let answer = try await get(library)
                #expect(answer.status == 200, "\(library): \(answer.status)")
                #expect(answer.body.readableBytes > 10_000, "\(library)")
            }

            // Nothing outside the two folders, and an unknown path is the API's JSON 404.
            let escape = try await get("/vendor/../../etc/passwd")
            #expect(escape.status >= 400 && escape.status < 500)
            #expect(!String(buffer: escape.body).contains("root:"))
            let missing = try await get("/console/no-such-page.html")
            #expect(missing.status == 404)
        }
    }
}
