import ArgumentParser
import Foundation
import NIOHTTP1
import TailorClient

/// `tailor keys create|list|revoke`: the public API's `/v1/keys` from the command line,
/// with the admin key from `--admin-key-file` or `TAILOR_ADMIN_KEY`.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Make, list and revoke API keys through a gateway (needs an admin key).",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Connection: ParsableArguments {
        @Option(help: "The gateway's public URL.")
        var gateway = "http://127.0.0.1:8080"

        @Option(help: "A file holding an admin key; or set TAILOR_ADMIN_KEY.")
        var adminKeyFile: String?

        func client() throws -> PublicAPIClient {
            guard let client = PublicAPIClient(gateway: gateway) else { throw ValidationError("--gateway: '\(gateway)' is not http://host[:port]") }
            let key = try TrustOptions.read(file: adminKeyFile, variable: TrustOptions.adminKeyVariable, flag: "--admin-key-file")
            guard let key = key?.trimmingCharacters(in: .whitespacesAndNewlines), !key.isEmpty else {
                throw ValidationError("give the admin key: --admin-key-file PATH or \(TrustOptions.adminKeyVariable)")
            }
            return client.authorized(key)
        }

        /// Sends the request; prints the JSON answer, or the error and exits 1.
        func run(_ method: HTTPMethod, _ path: String, json body: String? = nil, expecting: Int) async throws {
            let (status, data) = try await client().send(method, path, json: body)
            let text = String(decoding: data, as: UTF8.self)
            guard status == expecting else {
                FileHandle.standardError.write(Data("tailor keys: \(method) \(path) answered \(status): \(text)\n".utf8))
                throw ExitCode.failure
            }
            print(text)
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a key; prints it once (with its id). Keep it: only its hash is stored."
        )

        @Option(help: "public (storefront: recommendations, browser events), private (shop servers), or admin.")
        var role: String

        @Option(help: "What it is for, e.g. storefront.")
        var name: String

        @Option(help: "A public key's allowed origin (scheme://host[:port], or *); repeat for more.")
        var origin: [String] = []

        @Option(help: "Requests per second at each gateway (default: the role's).")
        var ratePerSecond: Double?

        @OptionGroup var connection: Connection

        func run() async throws {
            var body: [String: Any] = ["role": role, "name": name]
            if !origin.isEmpty { body["origins"] = origin }
            if let ratePerSecond { body["ratePerSecond"] = ratePerSecond }
            let json = String(decoding: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]), as: UTF8.self)
            try await connection.run(.POST, "/v1/keys", json: json, expecting: 201)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the keys (ids, roles, origins; never the keys themselves).")

        @OptionGroup var connection: Connection

        func run() async throws {
            try await connection.run(.GET, "/v1/keys", expecting: 200)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by id, on every gateway within about a second.")

        @Argument(help: "The key's id (key_…).")
        var id: String

        @OptionGroup var connection: Connection

        func run() async throws {
            guard let escaped = id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) else {
                throw ValidationError("not a key id: \(id)")
            }
            try await connection.run(.DELETE, "/v1/keys/\(escaped)", expecting: 200)
        }
    }
}
