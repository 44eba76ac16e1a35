import Foundation
import TailorProcess

/// The interop tests run other HTTP/2 implementations' tools (nghttp2's, curl) through
/// ``ExternalCommand``, TailorProcess's runner.
typealias ExternalTool = ExternalCommand
typealias ToolRun = ExternalCommand.Run

/// A fresh directory for one test, removed afterwards.
func withTemporaryDirectory<R: Sendable>(_ body: (URL) async throws -> R) async throws -> R {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-interop-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}
