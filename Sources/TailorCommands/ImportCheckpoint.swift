import Foundation
import TailorImport

/// The small file that makes an import resumable: which file (by path, size and
/// modification time), what it was imported as, and the point before which every
/// record was acknowledged. Written atomically (a temporary file renamed over it).
struct ImportCheckpoint: Codable, Equatable {
    var file: String
    var size: Int64
    var modified: Double
    var kind: String
    var format: String
    var version: Int64
    var done: ImportLedger.Position
    var complete: Bool

    /// `<state-dir or the file's directory>/<file name>.<kind>.tailor-import.json`.
    static func path(for file: String, kind: ImportKind, stateDirectory: String?) -> String {
        let url = URL(fileURLWithPath: file)
        let directory = stateDirectory.map { URL(fileURLWithPath: $0) } ?? url.deletingLastPathComponent()
        return directory.appendingPathComponent("\(url.lastPathComponent).\(kind.rawValue).tailor-import.json").path
    }

    static func read(_ path: String) throws -> ImportCheckpoint? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try JSONDecoder().decode(ImportCheckpoint.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Whether this checkpoint was made for the file as it is now.
    func matches(size: Int64, modified: Double, kind: ImportKind, format: ImportFormat) -> Bool {
        self.size == size && self.modified == modified && self.kind == kind.rawValue && self.format == format.rawValue
    }
}
