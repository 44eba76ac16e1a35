import NIOCore
import TailorWire

extension WireBody {
    /// The body's bytes in a buffer, ready to send.
    package func wireBuffer() throws -> ByteBuffer {
        ByteBuffer(bytes: try wireBytes())
    }

    /// Reads the readable bytes of `buffer`.
    ///
    /// - Throws: ``WireError``.
    package init(wireBuffer buffer: ByteBuffer) throws {
        try self.init(wireBytes: Array(buffer.readableBytesView))
    }
}
