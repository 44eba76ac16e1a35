import Foundation
import TailorModel
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads a Merchant Center XML feed (RSS 2.0 `<item>` or Atom `<entry>`, fields in
/// the `g:` namespace `http://base.google.com/ns/1.0` or plain) with Foundation's
/// streaming (SAX) `XMLParser`: the feed is never held whole, only the item being read.
///
/// Each item's direct children become its fields (the first of repeated ones; text and
/// CDATA joined; nested elements such as `g:shipping` skipped); a `g:` field wins over
/// a plain one of the same name (`g:link` over RSS `link`).
package final class MerchantFeedXMLReader: NSObject, XMLParserDelegate {
    package static let namespace = "http://base.google.com/ns/1.0"

    private let parser: XMLParser
    private let onItem: (NamedFields, Int) -> Bool
    private var item: NamedFields?
    private var itemLine = 0
    private var fromNamespace: Set<String> = []
    private var depth = 0
    private var field: (name: String, google: Bool)?
    private var text = ""
    private var stopped = false

    /// A reader of `stream` that calls `onItem` with each item and the line it starts
    /// on; `onItem` returns false to stop reading.
    package init(stream: InputStream, onItem: @escaping (NamedFields, Int) -> Bool) {
        parser = XMLParser(stream: stream)
        self.onItem = onItem
        super.init()
        parser.delegate = self
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
    }

    /// Reads to the end (or until stopped); a feed that is not well-formed XML throws,
    /// naming the line where reading stopped. Items before it have been handed over.
    package func read() throws(MappingError) {
        let finished = parser.parse()
        if stopped { return }
        // XMLParser reports some errors while still answering true; an undeclared
        // namespace prefix (201) is one libxml2 reads past.
        guard let error = parser.parserError.map({ $0 as NSError }), error.code != 201 || !finished else { return }
        let reason = switch error.code {
        case 5: "it ends before its elements are closed"
        case 76: "a closing tag does not match its opening tag"
        default: "XML parser error \(error.code)"
        }
        throw MappingError(field: "", problem: "the feed is not well-formed XML at line \(parser.lineNumber): \(reason)")
    }

    package func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
    ) {
        let name = Self.localName(elementName)
        if item == nil {
            if name == "item" || name == "entry" {
                item = NamedFields()
                itemLine = parser.lineNumber
                fromNamespace = []
                depth = 0
            }
            return
        }
        depth += 1
        if depth == 1 {
            let google = namespaceURI == Self.namespace || qName?.hasPrefix("g:") == true
            field = (NamedFields.name(name), google)
            text = ""
            // Atom writes its link as an attribute.
            if name == "link", !google, let href = attributeDict["href"] { text = href }
        }
    }

    package func parser(_ parser: XMLParser, foundCharacters string: String) {
        if field != nil && depth == 1 { text += string }
    }

    package func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        if field != nil && depth == 1 { text += String(decoding: CDATABlock, as: UTF8.self) }
    }

    package func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard var current = item else { return }
        if depth == 0 {
            item = nil
            if !onItem(current, itemLine) {
                stopped = true
                parser.abortParsing()
            }
            return
        }
        if depth == 1, let field {
            let value = text.trimmingSpaces
            if !value.isEmpty, current[field.name] == nil || (field.google && !fromNamespace.contains(field.name)) {
                current[field.name] = value
                if field.google { fromNamespace.insert(field.name) }
                item = current
            }
            self.field = nil
        }
        depth -= 1
    }

    private static func localName(_ name: String) -> String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }
}
