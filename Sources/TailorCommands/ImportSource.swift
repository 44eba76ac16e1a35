import Foundation
import NIOPosix
import Synchronization
import TailorImport

/// Reads an import file and maps its records, on NIO's blocking thread pool, into an
/// ``ImportPipe``: line-oriented files from a byte offset (where a resumed import
/// starts), XML feeds item by item with `XMLParser` (a resumed one skips the items
/// already acknowledged).
final class ImportSource: Sendable {
    /// Where reading starts.
    struct Start: Sendable {
        var offset: Int64 = 0
        var line = 1
        /// Records to skip before mapping (XML feeds, which cannot be entered mid-way).
        var skipRecords = 0
    }

    let path: String
    let mapper: RecordMapper
    let start: Start
    /// Bytes read so far, for the progress display.
    let bytesRead: Atomic<Int64>

    static let chunkBytes = 1 << 18
    static let recordsPerChunk = 512

    init(path: String, mapper: RecordMapper, start: Start) {
        self.path = path
        self.mapper = mapper
        self.start = start
        bytesRead = Atomic(start.offset)
    }

    /// Runs the reader to the end of the file (or until the pipe is cancelled).
    func run(into pipe: ImportPipe) async {
        do {
            try await NIOThreadPool.singleton.runIfActive {
                if self.mapper.format.isLineOriented { self.readLines(into: pipe) } else { self.readXML(into: pipe) }
            }
        } catch {
            _ = pipe.put(.failed("cannot read \(path): \(error)"))
        }
        pipe.finish()
    }

    private func readLines(into pipe: ImportPipe) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            _ = pipe.put(.failed("cannot open \(path)"))
            return
        }
        defer { try? handle.close() }
        var mapper = self.mapper
        do {
            var offset = start.offset
            var line = start.line
            var delimiter = UInt8(ascii: ",")
            if mapper.hasHeader {
                var splitter = RecordSplitter(quotes: true)
                var header: RawRecord?
                while header == nil {
                    guard let data = try handle.read(upToCount: 1 << 16), !data.isEmpty else {
                        header = splitter.finish()
                        break
                    }
                    header = splitter.feed(data).first
                }
                guard let header else { _ = pipe.put(.failed("\(path) is empty: no header row")); return }
                delimiter = try mapper.readHeader(header)
                if offset < header.endOffset { (offset, line) = (header.endOffset, header.nextLine) }
                try handle.seek(toOffset: UInt64(offset))
            } else if offset > 0 {
                try handle.seek(toOffset: UInt64(offset))
            }
            bytesRead.store(offset, ordering: .relaxed)
            var splitter = RecordSplitter(quotes: mapper.hasHeader, delimiter: delimiter, offset: offset, line: line)
            while true {
                guard let data = try handle.read(upToCount: Self.chunkBytes), !data.isEmpty else { break }
                bytesRead.add(Int64(data.count), ordering: .relaxed)
                let records = splitter.feed(data)
                guard records.isEmpty || pipe.put(.records(records.map { mapper.map($0) })) else { return }
            }
            if let last = splitter.finish() { _ = pipe.put(.records([mapper.map(last)])) }
        } catch let error as MappingError {
            _ = pipe.put(.failed("\(path), header row: \(error)"))
        } catch {
            _ = pipe.put(.failed("cannot read \(path): \(error)"))
        }
    }

    private func readXML(into pipe: ImportPipe) {
        guard let file = InputStream(fileAtPath: path) else {
            _ = pipe.put(.failed("cannot open \(path)"))
            return
        }
        let stream = ImportCountingStream(file) { [self] in _ = bytesRead.add(Int64($0), ordering: .relaxed) }
        var mapper = self.mapper
        var pending: [MappedRecord] = []
        var seen = 0
        var open = true
        let reader = MerchantFeedXMLReader(stream: stream) { item, line in
            seen += 1
            guard seen > self.start.skipRecords else { return true }
            pending.append(mapper.map(item: item, line: line))
            if pending.count >= Self.recordsPerChunk {
                open = pipe.put(.records(pending))
                pending.removeAll(keepingCapacity: true)
            }
            return open
        }
        do {
            try reader.read()
            if open && !pending.isEmpty { _ = pipe.put(.records(pending)) }
        } catch {
            if open && !pending.isEmpty { _ = pipe.put(.records(pending)) }
            _ = pipe.put(.failed("\(path): \(error)"))
        }
    }
}
