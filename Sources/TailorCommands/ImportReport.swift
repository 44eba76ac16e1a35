import Foundation
import TailorImport

/// The counts of an import, its refusals (the first few printed, all written to the
/// rejects file as JSON lines), the progress line on standard error and the summary.
struct ImportReport {
    var rowsRead = 0
    var refusedRows = Set<Int>()
    var ignored = 0
    var links = 0
    /// Distinct links merged through `POST /v1/users/{id}/aliases`, and the events they moved.
    var linksMerged = 0
    var eventsMoved = 0
    var linksRefused = 0
    var written = 0
    var duplicates = 0
    var notStored = 0
    /// Writes checked and not sent (`--dry-run`).
    var checked = 0
    var shown: [ImportRefusal] = []
    let showFirst: Int
    let started = ContinuousClock.now
    private var rejects: FileHandle?
    private var lastProgress = ContinuousClock.now
    private let progressIsLive = isatty(STDERR_FILENO) != 0

    init(rejectsPath: String?, append: Bool, showFirst: Int = 10) throws {
        self.showFirst = showFirst
        if let rejectsPath {
            if !append || !FileManager.default.fileExists(atPath: rejectsPath) {
                guard FileManager.default.createFile(atPath: rejectsPath, contents: nil) else {
                    throw ImportFailure("--rejects: cannot create \(rejectsPath)")
                }
            }
            rejects = FileHandle(forWritingAtPath: rejectsPath)
            _ = try rejects?.seekToEnd()
        }
    }

    mutating func count(_ record: MappedRecord, number: Int) {
        rowsRead += 1
        links += record.links.count
        if let refusal = record.refusal {
            refuse(ImportRefusal(line: record.line, field: refusal.field, problem: refusal.problem, record: record.source, number: number))
        } else if record.ignored != nil {
            ignored += 1
        }
    }

    mutating func add(_ outcome: ImportBatchOutcome) {
        written += outcome.written
        duplicates += outcome.duplicates
        notStored += outcome.notStored
        for refusal in outcome.refused { refuse(refusal) }
    }

    /// What merging one identity link did.
    mutating func addMerge(moved: Int, refusal: ImportRefusal?) {
        if let refusal {
            linksRefused += 1
            refuse(refusal)
        } else {
            linksMerged += 1
            eventsMoved += moved
        }
    }

    private mutating func refuse(_ refusal: ImportRefusal) {
        if let number = refusal.number, !refusedRows.insert(number).inserted { return }
        if shown.count < showFirst { shown.append(refusal) }
        if let rejects, var line = try? JSONEncoder().encode(refusal) {
            line.append(UInt8(ascii: "\n"))
            rejects.write(line)
        }
    }

    var elapsed: Double {
        let duration = ContinuousClock.now - started
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// A progress line, at most every 0.2 s on a terminal (redrawn in place) and every
    /// 5 s otherwise.
    mutating func progress(bytes: Int64, of total: Int64, force: Bool = false) {
        let now = ContinuousClock.now
        guard force || now - lastProgress >= (progressIsLive ? .milliseconds(200) : .seconds(5)) else { return }
        lastProgress = now
        let rate = Double(rowsRead) / max(elapsed, 0.001)
        var line = ""
        if bytes > 0 && total > 0 {
            let share = min(1, Double(bytes) / Double(total))
            let filled = Int(share * 24)
            line += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 24 - filled) + "] "
            line += String(format: "%3.0f%% %@/%@ ", share * 100, Self.megabytes(bytes), Self.megabytes(total))
        }
        line += "\(rowsRead) rows, \(refusedRows.count) refused, \(Int(rate)) rows/s"
        FileHandle.standardError.write(Data((progressIsLive ? "\r\u{1B}[K" + line : "import: " + line + "\n").utf8))
    }

    mutating func endProgress() {
        if progressIsLive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        try? rejects?.close()
    }

    private static func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }

    /// The summary, one `name: value` line each, then the first refusals.
    func summary(kind: ImportKind, writes: String, resumedAt: String?, rejectsPath: String?) -> String {
        var lines: [String] = []
        if let resumedAt { lines.append(resumedAt) }
        lines.append("rows read: \(rowsRead)")
        if checked > 0 { lines.append("\(writes) checked, not sent (dry run): \(checked)") }
        lines.append("\(writes) written: \(written)")
        lines.append("duplicates: \(duplicates)")
        if notStored > 0 { lines.append("not stored (no consent): \(notStored)") }
        lines.append("rows refused: \(refusedRows.count)")
        lines.append("rows ignored: \(ignored)")
        if links > 0 { lines.append("identity links read: \(links)") }
        if linksMerged > 0 { lines.append("anonymous shoppers merged: \(linksMerged) (events moved: \(eventsMoved))") }
        if linksRefused > 0 { lines.append("identity links refused: \(linksRefused)") }
        lines.append(String(format: "time: %.2f s (%.0f rows/s)", elapsed, Double(rowsRead) / max(elapsed, 0.001)))
        for refusal in shown {
            lines.append("refused line \(refusal.line): \(refusal.field.isEmpty ? "" : refusal.field + ": ")\(refusal.problem)")
        }
        if refusedRows.count > shown.count {
            lines.append("… \(refusedRows.count - shown.count) more refusals" + (rejectsPath.map { " in \($0)" } ?? " (--rejects FILE keeps them all)"))
        }
        return lines.joined(separator: "\n")
    }
}

/// Why an import stopped.
struct ImportFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
