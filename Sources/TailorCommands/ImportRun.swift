import Foundation
import Synchronization
import TailorImport

/// One run of an import: the reader feeding the pipe, records counted and gathered
/// into batches, up to `concurrency` batches in flight, their outcomes counted, and
/// the checkpoint moved past every record whose writes were acknowledged.
struct ImportRun {
    let kind: ImportKind
    let format: ImportFormat
    let file: ImportFile
    let mapper: RecordMapper
    var checkpoint: ImportCheckpoint
    /// nil: no checkpoint (a dry run).
    let checkpointPath: String?
    let sender: ImportSender
    let concurrency: Int
    /// Read, map and check every record, send nothing.
    var dryRun = false
    var report: ImportReport

    private enum Step: Sendable {
        case readerFinished
        case batch(ImportBatchOutcome)
    }

    var resumeHint: String {
        "\(checkpoint.done.records) rows done up to line \(checkpoint.done.line); `tailor import \(kind.rawValue) \(file.path) --resume` continues from there (checkpoint \(checkpointPath ?? "none"))"
    }

    private func save() {
        if let checkpointPath { try? checkpoint.write(to: checkpointPath) }
    }

    /// Merges each anonymous shopper into its known one, `concurrency` at a time, in the
    /// order of the lines that named them. A merge is idempotent: a second import, or a
    /// resumed one, merges again at no cost but the read.
    private mutating func merge(_ links: [IdentityLink: Int], sender: ImportSender) async throws {
        let ordered = links.sorted { $0.value != $1.value ? $0.value < $1.value : $0.key.userId < $1.key.userId }
        try await withThrowingTaskGroup(of: (Int, ImportRefusal?).self) { group in
            var next = ordered.makeIterator()
            for _ in 0..<concurrency {
                guard let (link, line) = next.next() else { break }
                group.addTask { try await sender.merge(link, line: line) }
            }
            while let (moved, refusal) = try await group.next() {
                report.addMerge(moved: moved, refusal: refusal)
                if let (link, line) = next.next() { group.addTask { try await sender.merge(link, line: line) } }
            }
        }
    }

    /// Runs the import to the end; the failure that stopped it, if one did.
    mutating func run() async -> Result<Void, any Error> {
        let start = checkpoint.done
        let source = ImportSource(
            path: file.path, mapper: mapper,
            start: .init(offset: format.isLineOriented ? start.offset ?? 0 : 0, line: format.isLineOriented ? start.line : 1,
                         skipRecords: format.isLineOriented ? 0 : start.records))
        let pipe = ImportPipe(capacity: 4)
        var ledger = ImportLedger(start: start)
        var readerFailure: String?
        // Identity links (Segment identify/alias), each with the first line naming it:
        // merged once every event is stored, so the anonymous history is complete.
        var links: [IdentityLink: Int] = [:]
        var lastCheckpoint = ContinuousClock.now
        let limit = ImportSender.limit(of: kind)
        let sender = self.sender
        do {
            try await withThrowingTaskGroup(of: Step.self) { group in
                group.addTask {
                    await source.run(into: pipe)
                    return .readerFinished
                }
                var inFlight = 0
                var batch: ImportBatch?

                func absorb(_ step: Step) throws {
                    guard case .batch(let outcome) = step else { return }
                    inFlight -= 1
                    ledger.close(outcome.ticket)
                    report.add(outcome)
                }
                let dryRun = self.dryRun
                func launch() {
                    guard let full = batch else { return }
                    batch = nil
                    if dryRun {
                        report.checked += full.items.count
                        ledger.close(full.ticket)
                        return
                    }
                    inFlight += 1
                    group.addTask { .batch(try await sender.send(full)) }
                }

                // The reader may be waiting for room in the pipe: it must be released
                // before the group waits for it.
                do {
                    for await element in pipe.elements {
                        switch element {
                        case .failed(let message):
                            readerFailure = message
                        case .records(let records):
                            for record in records {
                                let number = ledger.read(record)
                                report.count(record, number: number)
                                for link in record.links where links[link] == nil { links[link] = record.line }
                                for item in record.items {
                                    if batch == nil { batch = ImportBatch(ticket: ledger.open(first: number)) }
                                    batch!.items.append(item)
                                    batch!.records.append((number, record.line))
                                    if batch!.items.count >= limit {
                                        launch()
                                        while inFlight >= concurrency, let step = try await group.next() { try absorb(step) }
                                    }
                                }
                            }
                            pipe.taken()
                        }
                        report.progress(bytes: source.bytesRead.load(ordering: .relaxed), of: file.size)
                        if ContinuousClock.now - lastCheckpoint >= .seconds(1) {
                            lastCheckpoint = .now
                            checkpoint.done = ledger.done()
                            save()
                        }
                    }
                    launch()
                    while let step = try await group.next() { try absorb(step) }
                } catch {
                    pipe.cancel()
                    throw error
                }
            }
        } catch {
            pipe.cancel()
            checkpoint.done = ledger.done()
            save()
            report.endProgress()
            return .failure(error)
        }
        if !dryRun, !links.isEmpty {
            do {
                try await merge(links, sender: sender)
            } catch {
                checkpoint.done = ledger.done()
                save()
                report.endProgress()
                return .failure(error)
            }
        }
        ledger.finish()
        checkpoint.done = ledger.done()
        checkpoint.complete = readerFailure == nil
        save()
        report.progress(bytes: source.bytesRead.load(ordering: .relaxed), of: file.size, force: true)
        report.endProgress()
        if let readerFailure { return .failure(ImportFailure(readerFailure)) }
        return .success(())
    }
}
