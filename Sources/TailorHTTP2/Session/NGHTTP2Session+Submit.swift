import CNGHTTP2
import HTTPTypes
import NIOCore

/// One header field on its way out: lowercase name, value, both as UTF-8.
struct OutboundHeader {
    var name: String
    var value: String
}

extension NGHTTP2Session {
    /// Queues a request; returns its stream id. The body is read lazily as flow control allows.
    func submitRequest(_ headers: [OutboundHeader], body: ByteBuffer?) throws(SessionError) -> Int32 {
        let hasBody = (body?.readableBytes ?? 0) > 0
        let streamID = withHeaderArray(headers) { nva, count in
            if hasBody {
                var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil), read_callback: Self.readBody)
                return nghttp2_submit_request(session, nil, nva, count, &provider, nil)
            }
            return nghttp2_submit_request(session, nil, nva, count, nil, nil)
        }
        if streamID < 0 { throw SessionError(nghttp2: streamID, detail: "nghttp2_submit_request") }
        if hasBody, let body { outboundBodies[streamID] = body }
        return streamID
    }

    /// Queues the response of a stream, body included.
    func submitResponse(streamID: Int32, _ headers: [OutboundHeader], body: ByteBuffer?) throws(SessionError) {
        let hasBody = (body?.readableBytes ?? 0) > 0
        let rc = withHeaderArray(headers) { nva, count in
            if hasBody {
                var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil), read_callback: Self.readBody)
                return nghttp2_submit_response(session, streamID, nva, count, &provider)
            }
            return nghttp2_submit_response(session, streamID, nva, count, nil)
        }
        try Self.check(rc, "nghttp2_submit_response")
        // nghttp2 reads bodies only in mem_send, so storing after the submit is in time.
        if hasBody, let body { outboundBodies[streamID] = body }
    }

    func resetStream(_ streamID: Int32, errorCode: UInt32) {
        // Fails only for stream 0 or an unknown stream; either way there is nothing to reset.
        _ = nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, errorCode)
    }

    func ping() {
        _ = nghttp2_submit_ping(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nil)
    }

    /// First half of a graceful shutdown: tells the peer to stop opening streams.
    func submitShutdownNotice() {
        _ = nghttp2_submit_shutdown_notice(session)
    }

    /// GOAWAY naming the last stream that will still be processed.
    func submitGoAway(lastStreamID: Int32, errorCode: UInt32) {
        _ = nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), lastStreamID, errorCode, nil, 0)
    }

    /// Lays `headers` out as one contiguous byte block plus an `nghttp2_nv` array
    /// pointing into it, both on the stack (no allocation per request); they live
    /// only for `body`, which is enough because nghttp2 copies name/value pairs
    /// during `submit_*`.
    private func withHeaderArray<R>(_ headers: [OutboundHeader], _ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R {
        let byteCount = headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, byteCount)) { block in
            withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: max(1, headers.count)) { nva in
                var offset = 0
                for (index, header) in headers.enumerated() {
                    let name = block.baseAddress! + offset
                    offset += copyUTF8(header.name, to: block, at: offset)
                    let value = block.baseAddress! + offset
                    offset += copyUTF8(header.value, to: block, at: offset)
                    nva.initializeElement(
                        at: index,
                        to: nghttp2_nv(
                            name: name,
                            value: value,
                            namelen: header.name.utf8.count,
                            valuelen: header.value.utf8.count,
                            flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)
                        )
                    )
                }
                // nghttp2_nv is a trivial C struct: nothing to deinitialize afterwards.
                return body(UnsafePointer(nva.baseAddress!), headers.count)
            }
        }
    }

    private func copyUTF8(_ string: String, to block: UnsafeMutableBufferPointer<UInt8>, at offset: Int) -> Int {
        var string = string
        return string.withUTF8 { utf8 in
            UnsafeMutableRawPointer(block.baseAddress! + offset).copyMemory(from: utf8.baseAddress ?? UnsafePointer(block.baseAddress!), byteCount: utf8.count)
            return utf8.count
        }
    }
}
