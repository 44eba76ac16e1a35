import Foundation
import Synchronization

/// An input stream that adds the bytes read through it to a counter: `XMLParser`
/// reads its stream in chunks without saying how far it is, and the progress bar of an
/// XML feed's import needs that.
final class ImportCountingStream: InputStream {
    private let inner: InputStream
    private let count: @Sendable (Int) -> Void

    init(_ inner: InputStream, count: @escaping @Sendable (Int) -> Void) {
        self.inner = inner
        self.count = count
        super.init(data: Data())
    }

    override func open() { inner.open() }
    override func close() { inner.close() }
    override var hasBytesAvailable: Bool { inner.hasBytesAvailable }
    override var streamStatus: Stream.Status { inner.streamStatus }
    override var streamError: (any Error)? { inner.streamError }

    override func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength length: Int) -> Int {
        let read = inner.read(buffer, maxLength: length)
        if read > 0 { count(read) }
        return read
    }
}
