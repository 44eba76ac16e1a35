/// What an import writes.
package enum ImportKind: String, CaseIterable, Sendable {
    /// Products (`PUT /v1/products`).
    case catalog
    /// Stock levels (`PUT /v1/inventory`).
    case stock
    /// Purchases, one per order line (`POST /v1/events`).
    case orders
    /// Any shopper events (`POST /v1/events`).
    case events

    package var formats: [ImportFormat] {
        switch self {
        case .catalog, .stock: [.gmcXML, .gmcTSV, .csv, .jsonl]
        case .orders, .events: [.csv, .jsonl, .segmentJSONL, .ga4JSONL]
        }
    }
}

/// How an import file is written.
package enum ImportFormat: String, CaseIterable, Sendable {
    /// A Merchant Center RSS 2.0 or Atom feed.
    case gmcXML = "gmc-xml"
    /// A Merchant Center tab-separated feed (header row of attribute names).
    case gmcTSV = "gmc-tsv"
    /// Comma- (or, when the header has tabs and no commas, tab-) separated, header row first.
    case csv
    /// One flat JSON object per line, named like the CSV columns.
    case jsonl
    /// One Segment or RudderStack message per line.
    case segmentJSONL = "segment-jsonl"
    /// One GA4 Measurement Protocol body per line.
    case ga4JSONL = "ga4-jsonl"

    /// Whether records are lines (all but XML): such a file resumes at a byte offset.
    package var isLineOriented: Bool { self != .gmcXML }

    /// The format of a file, from its name and first bytes; nil when neither says.
    package static func guess(kind: ImportKind, fileName: String, head: [UInt8]) -> ImportFormat? {
        let name = fileName.lowercased()
        let head = head.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(head.dropFirst(3)) : head
        let firstLine = String(decoding: head.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self).trimmingSpaces
        let merchant = kind == .catalog || kind == .stock
        if name.hasSuffix(".xml") || name.hasSuffix(".rss") || name.hasSuffix(".atom") || firstLine.hasPrefix("<") {
            return merchant ? .gmcXML : nil
        }
        if firstLine.hasPrefix("{") || name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson") {
            if !merchant {
                if firstLine.contains("\"client_id\"") || firstLine.contains("\"app_instance_id\"") { return .ga4JSONL }
                if firstLine.contains("\"messageId\"") || firstLine.contains("\"anonymousId\"")
                    || (firstLine.contains("\"type\"") && firstLine.contains("\"userId\"")) { return .segmentJSONL }
            }
            return .jsonl
        }
        if merchant && firstLine.contains("\t") {
            let columns = firstLine.split(separator: "\t").map { NamedFields.name(String($0)) }
            if firstLine.contains("g:") || (columns.contains("availability") && columns.contains("id")) { return .gmcTSV }
        }
        if name.hasSuffix(".csv") || name.hasSuffix(".tsv") || name.hasSuffix(".txt") || firstLine.contains(",") || firstLine.contains("\t") {
            return .csv
        }
        return nil
    }
}

/// One write an import makes.
package enum ImportItem: Sendable, Hashable {
    case product(Product)
    case stock(StockLevel)
    case event(ShopperEvent)
}

/// What one record of a file became.
package struct MappedRecord: Sendable {
    /// The line the record starts on.
    package var line: Int
    /// Where the record ends in the file, for a line-oriented one.
    package var endOffset: Int64?
    /// The line after the record.
    package var nextLine: Int
    /// The record's text (its first 2 KiB) when it is refused, for the rejects file.
    package var source: String?
    package var items: [ImportItem] = []
    /// Identity links the record implies (Segment identify/alias, GA4 bodies with both ids).
    package var links: [IdentityLink] = []
    /// Why a well-formed record writes nothing.
    package var ignored: String?
    /// Why the record is refused.
    package var refusal: MappingError?
    /// The record continues the order of the one before (see
    /// ``OrderMapping/continuedOrder``): a checkpoint must not fall between them.
    package var continuesGroup = false

    package init(line: Int, endOffset: Int64?, nextLine: Int? = nil) {
        self.line = line
        self.endOffset = endOffset
        self.nextLine = nextLine ?? line + 1
    }
}

import TailorModel
