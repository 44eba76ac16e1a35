import Foundation
import TailorModel

/// Turns the records of one import file into writes: picks the mapping for the kind
/// and format, reads the header row of delimited files, and checks every write
/// against the API's rules so a refusal names the file's line rather than a batch.
package struct RecordMapper: Sendable {
    package struct Options: Sendable {
        /// The version of products and stock levels whose record has none.
        package var defaultVersion: Int64
        /// Units of a feed item available without a quantity.
        package var inStockQuantity = MerchantCenterMapping.defaultInStockQuantity
        /// `column=field` overrides of the column mapping.
        package var columnOverrides: [String] = []
        /// The clock events are checked against.
        package var now: Date

        package init(defaultVersion: Int64, now: Date) {
            self.defaultVersion = defaultVersion
            self.now = now
        }
    }

    package let kind: ImportKind
    package let format: ImportFormat
    private let options: Options
    private let catalog: CatalogMapping
    private let stock: StockMapping
    private var orders: OrderMapping
    private let merchant: MerchantCenterMapping
    private var header: [String]?
    private var continuesGroup = false
    private var delimiter: UInt8

    package init(kind: ImportKind, format: ImportFormat, options: Options) throws(MappingError) {
        guard kind.formats.contains(format) else {
            throw MappingError(field: "--format", problem: "\(kind.rawValue) imports read \(kind.formats.map(\.rawValue).joined(separator: ", ")), not \(format.rawValue)")
        }
        self.kind = kind
        self.format = format
        self.options = options
        catalog = CatalogMapping(columns: try CatalogMapping.defaultColumns.overridden(by: kind == .catalog ? options.columnOverrides : []), defaultVersion: options.defaultVersion)
        stock = StockMapping(columns: try StockMapping.defaultColumns.overridden(by: kind == .stock ? options.columnOverrides : []), defaultVersion: options.defaultVersion)
        orders = OrderMapping(columns: try OrderMapping.defaultColumns.overridden(by: kind == .orders || kind == .events ? options.columnOverrides : []))
        merchant = MerchantCenterMapping(defaultVersion: options.defaultVersion, inStockQuantity: options.inStockQuantity)
        delimiter = format == .gmcTSV ? UInt8(ascii: "\t") : UInt8(ascii: ",")
    }

    /// Whether the file starts with a header row (delimited formats).
    package var hasHeader: Bool { format == .csv || format == .gmcTSV }

    /// Reads the header row; returns the delimiter records are split on.
    package mutating func readHeader(_ record: RawRecord) throws(MappingError) -> UInt8 {
        if format == .csv && record.bytes.contains(UInt8(ascii: "\t")) && !record.bytes.contains(UInt8(ascii: ",")) {
            delimiter = UInt8(ascii: "\t")
        }
        header = try DelimitedFields.split(record.bytes, delimiter: delimiter).map(NamedFields.name)
        return delimiter
    }

    /// One record of a line-oriented file (not the header).
    package mutating func map(_ record: RawRecord) -> MappedRecord {
        var mapped = MappedRecord(line: record.line, endOffset: record.endOffset, nextLine: record.nextLine)
        do throws(MappingError) {
            switch format {
            case .segmentJSONL:
                try take(SegmentMapping.map(json: record.bytes), into: &mapped)
            case .ga4JSONL:
                try take(GA4Mapping.map(json: record.bytes), into: &mapped)
            case .jsonl:
                let value: JSONValue
                do { value = try JSONDecoder().decode(JSONValue.self, from: Data(record.bytes)) } catch {
                    throw MappingError(field: "", problem: "not valid JSON")
                }
                continuesGroup = false
                mapped.items = [try item(NamedFields(json: value))]
            case .csv, .gmcTSV:
                guard let header else { throw MappingError(field: "", problem: "no header row") }
                let fields = try DelimitedFields.split(record.bytes, delimiter: delimiter)
                continuesGroup = false
                mapped.items = [try item(NamedFields(header: header, row: fields))]
            case .gmcXML:
                throw MappingError(field: "", problem: "an XML feed is read by items")
            }
            mapped.continuesGroup = continuesGroup
            try check(mapped.items)
        } catch {
            mapped.items = []
            mapped.links = []
            mapped.refusal = error
            mapped.source = String(decoding: record.bytes.prefix(2048), as: UTF8.self)
        }
        return mapped
    }

    /// One item of an XML feed.
    package mutating func map(item fields: NamedFields, line: Int) -> MappedRecord {
        var mapped = MappedRecord(line: line, endOffset: nil)
        do {
            mapped.items = [try item(fields)]
            try check(mapped.items)
        } catch {
            mapped.items = []
            mapped.refusal = error
        }
        return mapped
    }

    private mutating func item(_ fields: NamedFields) throws(MappingError) -> ImportItem {
        let merchantFormat = format == .gmcXML || format == .gmcTSV
        switch kind {
        case .catalog: return .product(merchantFormat ? try merchant.product(fields) : try catalog.product(fields))
        case .stock: return .stock(merchantFormat ? try merchant.stock(fields) : try stock.stock(fields))
        case .orders, .events:
            defer { continuesGroup = orders.continuedOrder }
            return .event(try orders.event(fields))
        }
    }

    private func take(_ messages: [MappedMessage], into mapped: inout MappedRecord) throws(MappingError) {
        var reasons: [String] = []
        for message in messages {
            switch message {
            case .event(let event): mapped.items.append(.event(event))
            case .link(let link): mapped.links.append(link)
            case .ignored(let reason): reasons.append(reason)
            }
        }
        if mapped.items.isEmpty && mapped.links.isEmpty { mapped.ignored = reasons.first ?? "nothing to import" }
    }

    /// The API's own checks, so that a bad value is refused with its line.
    private func check(_ items: [ImportItem]) throws(MappingError) {
        do {
            for item in items {
                switch item {
                case .product(let product): try product.validate(field: "product")
                case .stock(let level): try level.validate(field: "stock")
                case .event(let event): try event.validate(field: "event", now: options.now)
                }
            }
        } catch {
            let field = error.field.split(separator: ".", maxSplits: 1).dropFirst().first.map(String.init) ?? error.field
            throw MappingError(field: field, problem: error.problem)
        }
    }
}
