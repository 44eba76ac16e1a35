import TailorImport

/// Which records of an import are done, so the checkpoint only ever names a point
/// before which every record's writes were acknowledged (or refused for good).
///
/// Records are numbered in file order; a batch remembers the first record it holds.
/// While a batch is in flight, no record from its first on is done (batches may finish
/// out of order, records never skip ahead of one in flight).
struct ImportLedger {
    /// Where reading resumes after the records done so far.
    struct Position: Codable, Equatable {
        /// Records done since the start of the file.
        var records: Int
        /// Byte offset after them (line-oriented files).
        var offset: Int64?
        /// The line after them.
        var line: Int
    }

    private var position: Position
    /// Records read but not yet known to be done: their number and position after them.
    private var read: [(number: Int, after: Position, resumable: Bool)] = []
    private var readStart = 0
    private var nextNumber: Int
    private var inFlight: [Int: Int] = [:]
    private var nextBatch = 0
    private var finished = false

    init(start: Position) {
        position = start
        nextNumber = start.records
    }

    /// Numbers a record just read.
    mutating func read(_ record: MappedRecord) -> Int {
        let number = nextNumber
        nextNumber += 1
        // Resuming between a record and the one it continues would change the
        // continuing one's event id: the point before it is no checkpoint.
        if record.continuesGroup, read.count > readStart { read[read.count - 1].resumable = false }
        read.append((number, Position(records: number + 1, offset: record.endOffset, line: record.nextLine), true))
        return number
    }

    /// A batch starting at record `first` is being filled or sent; returns its ticket.
    mutating func open(first: Int) -> Int {
        let ticket = nextBatch
        nextBatch += 1
        inFlight[ticket] = first
        return ticket
    }

    /// The batch is acknowledged (or its refusals recorded).
    mutating func close(_ ticket: Int) {
        inFlight[ticket] = nil
    }

    /// The file has been read to its end.
    mutating func finish() {
        finished = true
    }

    /// The furthest point every record before which is done.
    mutating func done() -> Position {
        let firstPending = inFlight.values.min() ?? nextNumber
        // The last record read may yet be continued by the next: it is a checkpoint
        // only once that one is read (or the file ended: ``finish()``).
        while readStart < read.count - 1 || (readStart < read.count && finished), read[readStart].number < firstPending {
            if read[readStart].resumable { position = read[readStart].after }
            readStart += 1
        }
        if readStart > 4_096 {
            read.removeFirst(readStart)
            readStart = 0
        }
        return position
    }
}
