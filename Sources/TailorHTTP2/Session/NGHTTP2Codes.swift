import CNGHTTP2

/// nghttp2's numeric codes, named once so the rest of the module reads plainly.
enum NGHTTP2Codes {
    static let flooded = NGHTTP2_ERR_FLOODED.rawValue
    static let noMemory = NGHTTP2_ERR_NOMEM.rawValue
    static let callbackFailure = NGHTTP2_ERR_CALLBACK_FAILURE.rawValue

    /// HTTP/2 error codes carried by RST_STREAM and GOAWAY (RFC 9113 §7).
    static let noError = NGHTTP2_NO_ERROR.rawValue
    static let refusedStream = NGHTTP2_REFUSED_STREAM.rawValue
    static let cancel = NGHTTP2_CANCEL.rawValue
    static let internalError = NGHTTP2_INTERNAL_ERROR.rawValue

    static func describe(_ rc: Int32) -> String {
        String(cString: nghttp2_strerror(rc))
    }

    static func describeHTTP2Error(_ code: UInt32) -> String {
        String(cString: nghttp2_http2_strerror(code))
    }
}
