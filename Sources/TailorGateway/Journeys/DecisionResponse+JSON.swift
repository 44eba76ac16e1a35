import TailorJourneys
import TailorModel

// The answer of `POST /v1/decisions`, written by hand like the recommendations'
// (RecommendationResponse+JSON.swift): keys in `.sortedKeys` order, the bytes of
// `JSONCoding.encoder`, which DecisionResponseJSONTests compares them with.

extension DecisionResponse: JSONWritable {
    func write(to writer: inout JSONWriter) throws(EncodingError) {
        writer.beginObject()
        writer.key("decisions")
        try writer.array(decisions)
        writer.key("degraded")
        writer.bool(degraded)
        writer.key("personalization")
        writer.string(personalization.rawValue)
        if let reasons {
            writer.key("reasons")
            writer.array(reasons)
        }
        writer.key("recommendations")
        try writer.array(recommendations)
        writer.key("segments")
        writer.array(segments)
        writer.key("tookMs")
        try writer.number(tookMs)
        writer.key("user")
        writer.string(user)
        writer.endObject()
    }

    /// A starting buffer size that holds a typical answer without growing.
    var estimatedJSONBytes: Int {
        recommendations.reduce(256 + 400 * decisions.count) { $0 + $1.estimatedJSONBytes }
    }
}

extension DecisionResponse.PointAnswer: JSONWritable {
    func write(to writer: inout JSONWriter) throws(EncodingError) {
        writer.beginObject()
        if let decisionId {
            writer.key("decisionId")
            writer.string(decisionId)
        }
        if let experiment {
            writer.key("experiment")
            writer.string(experiment)
        }
        writer.key("point")
        writer.string(point)
        if let segment {
            writer.key("segment")
            writer.string(segment)
        }
        if let treatment {
            writer.key("treatment")
            try writer.value(treatment)
        }
        if let variant {
            writer.key("variant")
            writer.string(variant)
        }
        writer.key("why")
        writer.string(why)
        writer.endObject()
    }
}

extension DecisionPointDefinition.Treatment: JSONWritable {
    func write(to writer: inout JSONWriter) throws(EncodingError) {
        writer.beginObject()
        if let cap {
            writer.key("cap")
            writer.beginObject()
            writer.key("times")
            writer.number(cap.times)
            writer.key("windowSeconds")
            writer.number(cap.windowSeconds)
            writer.endObject()
        }
        writer.key("id")
        writer.string(id)
        writer.key("payload")
        try writer.value(payload)
        writer.endObject()
    }
}

extension JSONValue: JSONWritable {
    func write(to writer: inout JSONWriter) throws(EncodingError) {
        switch self {
        case .null: writer.null()
        case .bool(let flag): writer.bool(flag)
        case .number(let number): try writer.number(number)
        case .string(let text): writer.string(text)
        case .array(let elements): try writer.array(elements)
        case .object(let members):
            writer.beginObject()
            for (key, value) in members.sorted(by: { $0.key < $1.key }) {
                writer.key(key)
                try writer.value(value)
            }
            writer.endObject()
        }
    }
}
