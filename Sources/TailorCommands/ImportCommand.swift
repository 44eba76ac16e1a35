import ArgumentParser
import Foundation
import TailorClient
import TailorImport
import TailorModel

/// `tailor import catalog|stock|orders|events FILE`: a shop's data into a running
/// cluster through its public API — a Merchant Center feed, catalog, stock or order
/// CSV/JSONL, Segment/RudderStack or GA4 exports — streamed (bounded memory), in
/// batches at the API's limits with a few in flight, resumable from a checkpoint, and
/// idempotent (event ids from the records, product and stock versions from the file).
/// docs/import.md is the guide.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a catalog, stock, orders or events file into a running cluster through its public API.",
        discussion: """
            Formats: gmc-xml, gmc-tsv (Merchant Center feeds), csv, jsonl, segment-jsonl, ga4-jsonl; \
            guessed from the file's name and first line when --format is not given. Exit status: \
            0 when every row was imported (or ignored), 2 when some rows were refused (the others \
            were imported), 1 when the import stopped (--resume continues it). See docs/import.md.
            """
    )

    @Argument(help: "What the file holds: catalog, stock, orders or events.")
    var kind: String

    @Argument(help: "The file to import.")
    var file: String

    @Option(help: "The file's format: gmc-xml, gmc-tsv, csv, jsonl, segment-jsonl or ga4-jsonl (guessed when absent).")
    var format: String?

    @Option(help: "The gateway's public URL.")
    var gateway = "http://127.0.0.1:8080"

    @Option(help: "A file holding the key to write with (a private or admin key); or set TAILOR_API_KEY. None: the gateway must be open.")
    var apiKeyFile: String?

    @Option(name: .customLong("map"), help: "column=field: read a field from this column (repeatable), e.g. --map Artikelnummer=id.")
    var columnMap: [String] = []

    @Option(help: "Version of products and stock levels whose record has none (default: the file's modification time in milliseconds, so the same file imported again changes nothing and a newer file wins).")
    var recordVersion: Int64?

    @Option(help: "Units in stock of a feed item that is in stock (or on preorder or backorder) without a quantity.")
    var inStockQuantity: Int64 = MerchantCenterMapping.defaultInStockQuantity

    @Option(help: "Batches in flight at once.")
    var concurrency = 8

    @Flag(help: "Continue from the checkpoint of an earlier run of the same import of the same file.")
    var resume = false

    @Option(help: "Directory of the checkpoint file (default: the file's own directory).")
    var stateDir: String?

    @Option(help: "Write every refused row to this file, one JSON object per line (line, field, problem, record).")
    var rejects: String?

    @Option(help: "Seconds to wait for the gateway to be ready before giving up.")
    var waitSeconds = 30

    @Flag(help: "Read, map and check every row against the API's rules; send nothing and keep no checkpoint.")
    var dryRun = false

    func validate() throws {
        guard ImportKind(rawValue: kind) != nil else {
            throw ValidationError("'\(kind)' is not catalog, stock, orders or events")
        }
        if let format, ImportFormat(rawValue: format) == nil {
            throw ValidationError("--format: '\(format)' is not one of \(ImportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard PublicAPIClient(gateway: gateway) != nil else {
            throw ValidationError("--gateway: '\(gateway)' is not an http URL (http://host[:port])")
        }
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be 1...64") }
        guard inStockQuantity >= 0 else { throw ValidationError("--in-stock-quantity must not be negative") }
        if let recordVersion, recordVersion < 0 { throw ValidationError("--record-version must not be negative") }
        guard (0...3_600).contains(waitSeconds) else { throw ValidationError("--wait-seconds must be 0...3600") }
    }

    func run() async throws {
        let kind = ImportKind(rawValue: kind)!
        let file = try ImportFile(path: self.file)
        guard let format = format.flatMap(ImportFormat.init(rawValue:))
            ?? ImportFormat.guess(kind: kind, fileName: file.path, head: file.head)
        else {
            throw ValidationError("cannot tell the format of \(file.path); name it with --format (\(kind.formats.map(\.rawValue).joined(separator: ", ")))")
        }
        var options = RecordMapper.Options(defaultVersion: recordVersion ?? file.modifiedMillis, now: Date())
        options.inStockQuantity = inStockQuantity
        options.columnOverrides = columnMap
        let mapper: RecordMapper
        do { mapper = try RecordMapper(kind: kind, format: format, options: options) } catch {
            throw ValidationError(error.description)
        }
        let checkpointPath = ImportCheckpoint.path(for: file.path, kind: kind, stateDirectory: stateDir)
        var checkpoint = ImportCheckpoint(
            file: file.path, size: file.size, modified: file.modified, kind: kind.rawValue, format: format.rawValue,
            version: options.defaultVersion, done: .init(records: 0, offset: 0, line: 1), complete: false)
        if resume {
            guard let earlier = try ImportCheckpoint.read(checkpointPath) else {
                throw ValidationError("--resume: no checkpoint at \(checkpointPath)")
            }
            guard earlier.matches(size: file.size, modified: file.modified, kind: kind, format: format), earlier.version == options.defaultVersion else {
                throw ValidationError("--resume: \(file.path) or the import's settings changed since the checkpoint at \(checkpointPath); import it again without --resume (records already imported are not written twice)")
            }
            if earlier.complete {
                print("\(file.path) was imported completely (\(checkpointPath)); nothing to resume")
                return
            }
            checkpoint.done = earlier.done
        }

        let client = PublicAPIClient(gateway: gateway)!.authorized(try APIKeyOption.read(file: apiKeyFile))
        if !dryRun { try await client.waitUntilReady(timeout: .seconds(waitSeconds)) }
        FileHandle.standardError.write(Data("import: \(kind.rawValue) from \(file.path) (\(format.rawValue)) \(dryRun ? "checked only (dry run)" : "to \(gateway)")\n".utf8))
        var run = ImportRun(
            kind: kind, format: format, file: file, mapper: mapper, checkpoint: checkpoint, checkpointPath: dryRun ? nil : checkpointPath,
            sender: ImportSender(client: client, kind: kind), concurrency: concurrency,
            dryRun: dryRun, report: try ImportReport(rejectsPath: rejects, append: resume))
        let result = await run.run()
        let writes = switch kind { case .catalog: "products"; case .stock: "stock levels"; case .orders, .events: "events" }
        let resumedAt = !resume ? nil : format.isLineOriented ? "resumed at line: \(checkpoint.done.line)" : "resumed after items: \(checkpoint.done.records)"
        print(run.report.summary(kind: kind, writes: writes, resumedAt: resumedAt, rejectsPath: rejects))
        if case .failure(let error) = result {
            FileHandle.standardError.write(Data("import stopped: \(error)\n\(run.resumeHint)\n".utf8))
            throw ExitCode.failure
        }
        if !run.report.refusedRows.isEmpty { throw ExitCode(2) }
    }
}

/// The file being imported: its identity (size, modification time) and first bytes.
struct ImportFile {
    let path: String
    let size: Int64
    let modified: Double
    let head: [UInt8]

    init(path: String) throws {
        self.path = URL(fileURLWithPath: path).standardizedFileURL.path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: self.path),
              let handle = FileHandle(forReadingAtPath: self.path)
        else { throw ValidationError("cannot read \(path)") }
        defer { try? handle.close() }
        size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        head = Array(try handle.read(upToCount: 4_096) ?? Data())
    }

    /// The modification time in milliseconds: the default version of its records.
    var modifiedMillis: Int64 { Int64((modified * 1000).rounded(.down)) }
}
