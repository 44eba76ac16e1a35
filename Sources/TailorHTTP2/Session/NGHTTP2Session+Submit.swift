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
        if hasBody, let body { storeOutboundBody(body, streamID: streamID) }
        return streamID
    }

    /// Queues the response of a stream, body included.
    func submitResponse(streamID: Int32, _ headers: [OutboundHeader], body: ByteBuffer?) throws(SessionError) {
        let hasBody = (body?.readableBytes ?? 0) > 0
        // Stored first: nghttp2 may pull from it during submit for small windows.
        if hasBody, let body { storeOutboundBody(body, streamID: streamID) }
        let rc = withHeaderArray(headers) { nva, count in
            if hasBody {
                var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil), read_callback: Self.readBody)
                return nghttp2_submit_response(session, streamID, nva, count, &provider)
            }
            return nghttp2_submit_response(session, streamID, nva, count, nil)
        }
        try Self.check(rc, "nghttp2_submit_response")
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

    /// Ends the session at once with a GOAWAY carrying `errorCode`.
    func terminate(errorCode: UInt32) {
        _ = nghttp2_session_terminate_session(session, errorCode)
    }

    /// Lays `headers` out as one contiguous byte block plus an `nghttp2_nv` array
    /// pointing into it; both live only for `body`, which is enough because
    /// nghttp2 copies name/value pairs during `submit_*`.
    private func withHeaderArray<R>(_ headers: [OutboundHeader], _ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count })
        var lengths: [(Int, Int)] = []
        lengths.reserveCapacity(headers.count)
        for header in headers {
            bytes.append(contentsOf: header.name.utf8)
            bytes.append(contentsOf: header.value.utf8)
            lengths.append((header.name.utf8.count, header.value.utf8.count))
        }
        return bytes.withUnsafeMutableBufferPointer { block in
            var nva: [nghttp2_nv] = []
            nva.reserveCapacity(headers.count)
            var offset = 0
            let base = block.baseAddress ?? UnsafeMutablePointer<UInt8>(bitPattern: 1)!
            for (nameLength, valueLength) in lengths {
                nva.append(
                    nghttp2_nv(
                        name: base + offset,
                        value: base + offset + nameLength,
                        namelen: nameLength,
                        valuelen: valueLength,
                        flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)
                    )
                )
                offset += nameLength + valueLength
            }
            return nva.withUnsafeBufferPointer { body($0.baseAddress!, $0.count) }
        }
    }
}
