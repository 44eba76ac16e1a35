import Foundation
import NIOCore
import TailorModel
import Testing

@testable import TailorGateway

/// A named recommendation answer to write both ways.
struct Sample: Sendable, CustomTestStringConvertible {
    var name: String
    var response: RecommendationResponse
    var testDescription: String { name }
}

/// Every ASCII byte (control characters, quote, backslash, slash, DEL) and some non-ASCII.
let everyASCIIAndMore: String = {
    var text = ""
    for byte in UInt8(0)..<0x80 { text.unicodeScalars.append(Unicode.Scalar(byte)) }
    return text + "é ß 東京 😀 👩🏽‍💻 \u{2028}\u{2029}\u{FEFF}\u{10FFFF}"
}()

func sampleItem(_ product: String, title: String, price: Double, score: Float, signals: Signals = .zero) -> RecommendedItem {
    RecommendedItem(
        product: product, title: title, category: "home/kitchen/knives", price: price, score: score,
        signals: signals, reason: "Because you viewed \"Chef's knife\" and it's trending."
    )
}

let samples: [Sample] = [
    Sample(name: "no items, nil reasons", response: RecommendationResponse(
        items: [], coverage: Coverage(partitions: 8, answered: 8, degraded: false),
        placement: .homeForYou, strategy: .conversion, tookMs: 0
    )),
    Sample(name: "no items, empty reasons", response: RecommendationResponse(
        items: [], coverage: Coverage(partitions: 0, answered: 0, degraded: false, reasons: []),
        placement: .searchRerank, strategy: .stock, tookMs: 1
    )),
    Sample(name: "titles that need escaping, prices", response: RecommendationResponse(
        items: [
            sampleItem("p-1", title: #"The "quoted" \ backslash / slash"#, price: 0, score: 1),
            sampleItem("p-2", title: "line\nbreak\ttab\r\u{0}\u{1}\u{8}\u{C}\u{1F}\u{7F}", price: 1, score: 0.1),
            sampleItem("p-3", title: "Crème brûlée 🍮 東京 👩🏽‍💻 Cafe\u{301}", price: 19.99, score: 1.0 / 3.0),
            sampleItem("p-4", title: everyASCIIAndMore, price: 1e-7, score: 1e-7),
            sampleItem("p-5", title: "", price: 123456789.5, score: 123456789.5),
            sampleItem("p-6", title: "big and small", price: 1.7976931348623157e308, score: .greatestFiniteMagnitude),
            sampleItem("p-7", title: "tiny", price: .leastNonzeroMagnitude, score: .leastNonzeroMagnitude),
            sampleItem("p-8", title: "sums", price: 0.1 + 0.2, score: -0.0),
        ],
        coverage: Coverage(partitions: 16, answered: 16, degraded: false),
        placement: .productSimilar, strategy: .margin, tookMs: 12.345678
    )),
    Sample(name: "items with and without links", response: RecommendationResponse(
        items: [
            RecommendedItem(
                product: "p-1", title: "Puzzle", category: "Toys > Puzzles", price: 12.5, score: 0.5, signals: .zero,
                reason: "Popular", position: 1, url: "https://shop.example/p/1?ref=\"x\"", imageURL: "https://cdn.example/1.jpg"
            ),
            RecommendedItem(
                product: "p-2", title: "Doll", category: "Toys > Dolls", price: 9, score: 0.25, signals: .zero,
                reason: "Popular", position: 2, url: "https://shop.example/p/2"
            ),
            sampleItem("p-3", title: "No links", price: 3, score: 0.1),
        ],
        coverage: Coverage(partitions: 8, answered: 8, degraded: false),
        placement: .homeForYou, strategy: .conversion, tookMs: 2
    )),
    Sample(name: "degraded with reasons", response: RecommendationResponse(
        items: [
            sampleItem("sku/42", title: "Kettle", price: 49.5, score: 0.8125, signals: Signals(
                collaborative: 0.25, content: 0.125, popularity: 0.0625, trending: 0.2,
                inventory: 0.1, margin: 0.05, stockPressure: 0.0175
            )),
        ],
        coverage: Coverage(partitions: 12, answered: 9, degraded: true, reasons: [
            "partitions 3, 7, 11 did not answer in time",
            #"the shopper's profile could not be read (HTTP2CallError(code: "timeout", path: "/internal/situation"))"#,
            "",
        ]),
        placement: .cartAddons, strategy: .conversion, tookMs: 150.00000000000003
    )),
    Sample(name: "a typical 50-item answer", response: RecommendationResponse(
        items: (0..<50).map { index in
            sampleItem(
                "P\(index)", title: "Product \(index) – 250 ml", price: Double(index) * 1.25 + 0.99,
                score: Float(index) / 7, signals: Signals(collaborative: Float(index) / 3, trending: 0.5)
            )
        },
        coverage: Coverage(partitions: 64, answered: 64, degraded: false),
        placement: .postOrderEmail, strategy: .stock, tookMs: 3.75
    )),
    Sample(name: "not personalised: the shopper denied consent", response: RecommendationResponse(
        items: [sampleItem("p-1", title: "Kettle", price: 49.5, score: 0.5)],
        coverage: Coverage(partitions: 8, answered: 8, degraded: false),
        placement: .homeForYou, strategy: .conversion, tookMs: 3, personalization: .denied
    )),
    Sample(name: "under an experiment: its id, experiment and variant", response: RecommendationResponse(
        items: [sampleItem("p-1", title: "Kettle", price: 49.5, score: 0.5)],
        coverage: Coverage(partitions: 8, answered: 8, degraded: false),
        placement: .productSimilar, strategy: .margin, tookMs: 3, recommendationId: "AQAAAaJNvMXE", experiment: "similar-test",
        variant: "margin \"first\""
    )),
]

func writerBytes(_ response: RecommendationResponse) throws -> [UInt8] {
    let buffer = try JSONWriter.encode(response, capacity: response.estimatedJSONBytes)
    return Array(buffer.readableBytesView)
}

func expectSameResponse(_ decoded: RecommendationResponse, _ original: RecommendationResponse) {
    #expect(decoded.items == original.items)
    #expect(decoded.coverage == original.coverage)
    #expect(decoded.placement == original.placement)
    #expect(decoded.strategy == original.strategy)
    #expect(decoded.tookMs == original.tookMs)
    #expect(decoded.personalized == original.personalized)
    #expect(decoded.personalization == original.personalization)
    #expect(decoded.recommendationId == original.recommendationId)
    #expect(decoded.experiment == original.experiment)
    #expect(decoded.variant == original.variant)
}

@Suite struct JSONWriterTests {
    // Number formatting is the same as JSONEncoder's (description, trailing ".0"
    // dropped), so the whole answer must match byte for byte.
    @Test(arguments: samples)
    func writesTheBytesOfJSONEncoder(_ sample: Sample) throws {
        let written = try writerBytes(sample.response)
        let encoded = [UInt8](try JSONCoding.encoder.encode(sample.response))
        // The text shows where they differ; String equality is canonical equivalence,
        // not byte equality, so the bytes are compared too (quietly: they are long).
        #expect(String(decoding: written, as: UTF8.self) == String(decoding: encoded, as: UTF8.self))
        let sameBytes = written == encoded
        #expect(sameBytes)
    }

    @Test(arguments: samples)
    func decodesBackToTheSameAnswer(_ sample: Sample) throws {
        let data = Data(try writerBytes(sample.response))
        expectSameResponse(try JSONDecoder().decode(RecommendationResponse.self, from: data), sample.response)

        let written = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let encoded = try #require(
            try JSONSerialization.jsonObject(with: JSONCoding.encoder.encode(sample.response)) as? [String: Any]
        )
        // A top-level boolean does not compare equal through NSDictionary on Linux's
        // Foundation (a nested one does); compare it apart.
        #expect(written["personalized"] as? Bool == sample.response.personalized)
        #expect(encoded["personalized"] as? Bool == sample.response.personalized)
        #expect(NSDictionary(dictionary: written.filter { $0.key != "personalized" }).isEqual(to: encoded.filter { $0.key != "personalized" }))
        let experimentKeys: Set<String> = sample.response.experiment == nil ? [] : ["experiment", "variant"]
        #expect(Set(written.keys) == Set(["coverage", "items", "personalization", "personalized", "placement", "recommendationId", "strategy", "tookMs"]).union(experimentKeys))
    }

    @Test func nilReasonsAreOmittedAndEmptyOnesKept() throws {
        let coverage = Coverage(partitions: 2, answered: 2, degraded: false)
        var response = RecommendationResponse(items: [], coverage: coverage, placement: .homeForYou, strategy: .margin, tookMs: 2)
        var text = String(decoding: try writerBytes(response), as: UTF8.self)
        #expect(text == #"{"coverage":{"answered":2,"degraded":false,"partitions":2},"items":[],"personalization":"granted","personalized":true,"placement":"home_for_you","recommendationId":"","strategy":"margin","tookMs":2}"#)

        response.coverage.reasons = []
        text = String(decoding: try writerBytes(response), as: UTF8.self)
        #expect(text.contains(#""partitions":2,"reasons":[]}"#))
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteNumbersThrowLikeJSONEncoder(_ value: Double) {
        var response = samples[2].response
        response.tookMs = value
        #expect(throws: EncodingError.self) { try JSONCoding.encoder.encode(response) }
        #expect(throws: EncodingError.self) { try writerBytes(response) }

        response.tookMs = 1
        response.items[1].signals.margin = Float(value)
        #expect(throws: EncodingError.self) { try JSONCoding.encoder.encode(response) }
        #expect(throws: EncodingError.self) { try writerBytes(response) }
    }

    @Test(arguments: [0, 1, -1, 9, 10, -10, 99, 100, 1_234_567, Int.max, Int.min])
    func integersAreDecimal(_ value: Int) {
        var writer = JSONWriter(capacity: 0)
        writer.beginArray()
        writer.number(value)
        writer.number(value)
        writer.endArray()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "[\(value),\(value)]")
    }

    @Test func everyASCIIByteIsEscapedAsJSONEncoderEscapesIt() throws {
        for scalar in everyASCIIAndMore.unicodeScalars {
            var writer = JSONWriter(capacity: 8)
            writer.beginArray()
            writer.string(String(scalar))
            writer.endArray()
            let encoded = try JSONCoding.encoder.encode([String(scalar)])
            #expect(String(decoding: writer.bytes, as: UTF8.self) == String(decoding: encoded, as: UTF8.self), "U+\(String(scalar.value, radix: 16))")
        }
    }
}
