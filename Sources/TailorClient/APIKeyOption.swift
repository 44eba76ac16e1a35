import Foundation

/// The API key a tool sends (`tailor demo-load`, `tailor eval --cluster`, `tailor-lab
/// load`): from `--api-key-file`, else `TAILOR_API_KEY`, else none (an open gateway).
package enum APIKeyOption {
    package static let variable = "TAILOR_API_KEY"

    package static func read(file: String?) throws -> String? {
        if let file {
            do {
                return try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                throw ClientError("--api-key-file: cannot read '\(file)': \(error.localizedDescription)")
            }
        }
        return ProcessInfo.processInfo.environment[variable].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }
}
