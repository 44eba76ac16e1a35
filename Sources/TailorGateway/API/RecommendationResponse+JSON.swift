import TailorModel

// The answer of `POST /v1/recommendations`, written by hand because it is the
// gateway's hot response. Keys are in the order `.sortedKeys` gives (byte order of
// the names) and named as the synthesized `Codable` conformances name them, so the
// bytes are those of `JSONCoding.encoder`; JSONWriterTests compares the two.

extension RecommendationResponse: JSONWritable {
    func write(to writer: inout JSONWriter) throws(EncodingError) {
        writer.beginObject()
        writer.key("coverage")
        try writer.value(coverage)
        if let experiment {
            writer.key("experiment")
            writer.string(experiment)
        }
        writer.key("items")
        try writer.array(items)
        writer.key("personalization")
        writer.string(personalization.rawValue)
        writer.key("personalized")
        writer.bool(personalized)
        writer.key("placement")
        writer.string(placement.rawValue)
        writer.key("recommendationId")
        writer.string(recommendationId)
        writer.key("strategy")
        writer.string(strategy.rawValue)
        writer.key("tookMs")
        try writer.number(tookMs)
        if let variant {
            writer.key("variant")
            writer.string(variant)
        }
        writer.endObject()
    }

    /// A starting buffer size that holds a typical answer without growing.
    var estimatedJSONBytes: Int {
        var bytes = 320 + (experiment?.utf8.count ?? 0) + (variant?.utf8.count ?? 0)
        for reason in coverage.reasons ?? [] { bytes += reason.utf8.count + 8 }
        for item in items {
            bytes += 320 + item.product.utf8.count + item.title.utf8.count + item.category.utf8.count + item.reason.utf8.count
            bytes += (item.url?.utf8.count ?? 0) + (item.imageURL?.utf8.count ?? 0)
        }
        return bytes
    }
}

extension Coverage: JSONWritable {
    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("answered")
        writer.number(answered)
        writer.key("degraded")
        writer.bool(degraded)
        writer.key("partitions")
        writer.number(partitions)
        // Absent when nil, as `encodeIfPresent` in the synthesized conformance leaves it.
        if let reasons {
            writer.key("reasons")
            writer.array(reasons)
        }
        writer.endObject()
    }
}

extension RecommendedItem: JSONWritable {
    func write(to writer: inout JSONWriter) throws(EncodingError) {
        writer.beginObject()
        writer.key("category")
        writer.string(category)
        if let imageURL {
            writer.key("imageURL")
            writer.string(imageURL)
        }
        writer.key("position")
        writer.number(position)
        writer.key("price")
        try writer.number(price)
        writer.key("product")
        writer.string(product)
        writer.key("reason")
        writer.string(reason)
        writer.key("score")
        try writer.number(score)
        writer.key("signals")
        try writer.value(signals)
        writer.key("title")
        writer.string(title)
        if let url {
            writer.key("url")
            writer.string(url)
        }
        writer.endObject()
    }
}

extension Signals: JSONWritable {
    func write(to writer: inout JSONWriter) throws(EncodingError) {
        writer.beginObject()
        writer.key("collaborative")
        try writer.number(collaborative)
        writer.key("content")
        try writer.number(content)
        writer.key("inventory")
        try writer.number(inventory)
        writer.key("margin")
        try writer.number(margin)
        writer.key("popularity")
        try writer.number(popularity)
        writer.key("stockPressure")
        try writer.number(stockPressure)
        writer.key("trending")
        try writer.number(trending)
        writer.endObject()
    }
}
