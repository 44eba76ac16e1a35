/// One record of a line-oriented file (a CSV/TSV row, a JSONL line), with where it was.
package struct RawRecord: Sendable {
    /// The record's bytes, without its line end.
    package var bytes: [UInt8]
    /// The line it starts on, from 1.
    package var line: Int
    /// The byte offset just after the record (and its line end): where reading resumes.
    package var endOffset: Int64
    /// The line the next record starts on.
    package var nextLine: Int
}

/// Cuts a stream of bytes into records, fed chunk by chunk (bounded memory: only the
/// record being read is held).
///
/// A record ends at a line end (`\n` or `\r\n`). With `quotes`, as in CSV, a line end
/// inside a quoted field does not end it (RFC 4180: a field starting with `"` runs to
/// the next lone `"`; `""` is an escaped quote), so a record may span lines and line
/// numbers stay those a text editor shows. Blank lines are skipped (but counted). A
/// UTF-8 byte-order mark at the very start is dropped.
package struct RecordSplitter: Sendable {
    private let quotes: Bool
    private let delimiter: UInt8
    private var current: [UInt8] = []
    private var offset: Int64
    private var line: Int
    private var recordLine: Int
    private var atFieldStart = true
    private var inQuotes = false
    private var quotePending = false
    private var atFileStart: Bool

    /// A splitter starting at `offset` of the file, on line `line`.
    package init(quotes: Bool, delimiter: UInt8 = UInt8(ascii: ","), offset: Int64 = 0, line: Int = 1) {
        self.quotes = quotes
        self.delimiter = delimiter
        self.offset = offset
        self.line = line
        self.recordLine = line
        self.atFileStart = offset == 0
    }

    /// The records that `chunk` completes.
    package mutating func feed(_ chunk: some Collection<UInt8>) -> [RawRecord] {
        var records: [RawRecord] = []
        for byte in chunk {
            offset += 1
            if atFileStart {
                current.append(byte)
                if current == [0xEF, 0xBB, 0xBF] { current.removeAll(); atFileStart = false; continue }
                if !([0xEF, 0xBB, 0xBF] as [UInt8]).starts(with: current) { atFileStart = false }
                if atFileStart { continue }
                current.removeLast()
            }
            if quotes && inQuotes {
                if quotePending {
                    quotePending = false
                    if byte == UInt8(ascii: "\"") { current.append(byte); continue }
                    inQuotes = false
                } else {
                    if byte == UInt8(ascii: "\"") { quotePending = true } else if byte == UInt8(ascii: "\n") { line += 1 }
                    current.append(byte)
                    continue
                }
            }
            if byte == UInt8(ascii: "\n") {
                if current.last == UInt8(ascii: "\r") { current.removeLast() }
                if !current.isEmpty { records.append(RawRecord(bytes: current, line: recordLine, endOffset: offset, nextLine: line + 1)) }
                current.removeAll(keepingCapacity: true)
                line += 1
                recordLine = line
                atFieldStart = true
                continue
            }
            if quotes {
                if byte == delimiter {
                    atFieldStart = true
                } else {
                    if atFieldStart && byte == UInt8(ascii: "\"") { inQuotes = true }
                    atFieldStart = false
                }
            }
            current.append(byte)
        }
        return records
    }

    /// The last record, when the file does not end with a line end.
    package mutating func finish() -> RawRecord? {
        if current.last == UInt8(ascii: "\r") { current.removeLast() }
        defer { current.removeAll() }
        return current.isEmpty ? nil : RawRecord(bytes: current, line: recordLine, endOffset: offset, nextLine: line + 1)
    }
}
