import CNGHTTP2
import HTTPTypes
import NIOCore

// The C callbacks. Each recovers the session from `user_data`, never throws (a
// Swift error cannot cross into C), and answers nghttp2 with its own error codes:
// TEMPORAL_CALLBACK_FAILURE resets one stream, CALLBACK_FAILURE ends the session.

private let temporalFailure = NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue
private let endStreamFlag = UInt8(NGHTTP2_FLAG_END_STREAM.rawValue)
private let ackFlag = UInt8(NGHTTP2_FLAG_ACK.rawValue)

@inline(__always)
private func owner(_ userData: UnsafeMutableRawPointer?) -> NGHTTP2Session {
    Unmanaged<NGHTTP2Session>.fromOpaque(userData!).takeUnretainedValue()
}

extension NGHTTP2Session {
    static func install(on callbacks: OpaquePointer) {
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks) { _, frame, userData in
            guard let frame else { return 0 }
            owner(userData).beginHeaders(streamID: frame.pointee.hd.stream_id, category: frame.pointee.headers.cat)
            return 0
        }
        nghttp2_session_callbacks_set_on_header_callback(callbacks) { _, frame, name, nameLength, value, valueLength, _, userData in
            guard let frame, let name, let value else { return 0 }
            let accepted = owner(userData).header(
                streamID: frame.pointee.hd.stream_id,
                name: UnsafeBufferPointer(start: name, count: nameLength),
                value: UnsafeBufferPointer(start: value, count: valueLength)
            )
            return accepted ? 0 : temporalFailure
        }
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, userData in
            guard let frame else { return 0 }
            owner(userData).frameReceived(frame)
            return 0
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) { _, _, streamID, data, length, userData in
            guard let data else { return 0 }
            owner(userData).dataReceived(streamID: streamID, UnsafeRawBufferPointer(start: data, count: length))
            return 0
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, streamID, errorCode, userData in
            owner(userData).streamClosed(streamID: streamID, errorCode: errorCode)
            return 0
        }
    }

    /// Fills nghttp2's DATA buffer from the stream's pending body.
    static let readBody: nghttp2_data_source_read_callback = { _, streamID, buffer, length, dataFlags, _, userData in
        guard let buffer, let dataFlags else { return Int(NGHTTP2_ERR_CALLBACK_FAILURE.rawValue) }
        return owner(userData).readBody(streamID: streamID, into: buffer, capacity: length, flags: dataFlags)
    }

    // MARK: Callback bodies (Swift side)

    private func beginHeaders(streamID: Int32, category: nghttp2_headers_category) {
        let stream: InboundStream
        if let existing = inbound[streamID] {
            stream = existing
        } else {
            stream = InboundStream()
            inbound[streamID] = stream
        }
        switch category {
        case NGHTTP2_HCAT_REQUEST, NGHTTP2_HCAT_RESPONSE:
            stream.beginHead()
        default:
            // Trailers: accepted and ignored; Tailor's calls carry none.
            stream.inTrailers = true
        }
        // A header block arrives uninterrupted (RFC 9113 §4.3), so its fields can go
        // to this stream without a lookup per field.
        headerBlock = (streamID, stream)
    }

    private func header(streamID: Int32, name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) -> Bool {
        let stream = headerBlock?.streamID == streamID ? headerBlock?.stream : inbound[streamID]
        return stream?.append(name: name, value: value, maxHeaderListBytes: Int(limits.maxHeaderListBytes)) ?? true
    }

    private func frameReceived(_ frame: UnsafePointer<nghttp2_frame>) {
        let header = frame.pointee.hd
        switch UInt32(header.type) {
        case NGHTTP2_HEADERS.rawValue:
            guard let stream = inbound[header.stream_id] else { return }
            if stream.rejection != nil {
                completeRejected(streamID: header.stream_id, stream)
            } else if stream.head.status.map({ $0.first == UInt8(ascii: "1") }) == true, !stream.inTrailers {
                stream.head = InboundHead()  // informational 1xx: wait for the final head
            } else if header.flags & endStreamFlag != 0 {
                complete(streamID: header.stream_id, stream)
            }
        case NGHTTP2_DATA.rawValue:
            if header.flags & endStreamFlag != 0, let stream = inbound[header.stream_id] {
                complete(streamID: header.stream_id, stream)
            }
        case NGHTTP2_GOAWAY.rawValue:
            events.append(.goAway(lastStreamID: frame.pointee.goaway.last_stream_id, errorCode: frame.pointee.goaway.error_code))
        case NGHTTP2_PING.rawValue where header.flags & ackFlag != 0:
            events.append(.pingAcknowledged)
        case NGHTTP2_SETTINGS.rawValue where header.flags & ackFlag == 0:
            events.append(.settingsChanged)
        default:
            break
        }
    }

    private func dataReceived(streamID: Int32, _ bytes: UnsafeRawBufferPointer) {
        guard let stream = inbound[streamID] else { return }
        if stream.rejection == nil, stream.body.readableBytes + bytes.count > limits.maxBodyBytes {
            stream.reject(.bodyTooLarge)
            completeRejected(streamID: streamID, stream)
        }
        guard stream.rejection == nil else { return }
        stream.body.writeBytes(bytes)
    }

    private func streamClosed(streamID: Int32, errorCode: UInt32) {
        inbound.removeValue(forKey: streamID)
        if headerBlock?.streamID == streamID { headerBlock = nil }
        outboundBodies.removeValue(forKey: streamID)
        events.append(.streamClosed(streamID: streamID, errorCode: errorCode))
    }

    private func readBody(
        streamID: Int32,
        into buffer: UnsafeMutablePointer<UInt8>,
        capacity: Int,
        flags: UnsafeMutablePointer<UInt32>
    ) -> Int {
        guard var body = outboundBodies.removeValue(forKey: streamID) else {
            flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
            return 0
        }
        let count = min(capacity, body.readableBytes)
        body.withUnsafeReadableBytes { bytes in
            UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress!, byteCount: count)
        }
        body.moveReaderIndex(forwardBy: count)
        if body.readableBytes == 0 {
            flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
        } else {
            outboundBodies[streamID] = body
        }
        return count
    }

    // MARK: Completion

    private func complete(streamID: Int32, _ stream: InboundStream) {
        guard !stream.delivered, stream.rejection == nil else { return }
        stream.delivered = true
        events.append(.message(streamID: streamID, InboundMessage(head: stream.head, body: stream.body)))
        // The body now belongs to the event.
        stream.body = ByteBuffer()
    }

    private func completeRejected(streamID: Int32, _ stream: InboundStream) {
        guard !stream.delivered, let rejection = stream.rejection else { return }
        stream.delivered = true
        stream.body = ByteBuffer()
        events.append(.rejected(streamID: streamID, rejection))
    }
}
