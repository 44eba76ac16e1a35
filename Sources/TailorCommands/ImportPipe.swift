import Dispatch
import Synchronization
import TailorImport

/// Hands mapped records from the reader (a blocking loop on NIO's thread pool: file
/// reads, `XMLParser`) to the async sender, holding at most `capacity` chunks: a
/// reader ahead of the gateway waits, so memory stays bounded whatever the file's size.
final class ImportPipe: Sendable {
    enum Element: Sendable {
        case records([MappedRecord])
        /// The reader stopped on something that ends the import (an unreadable file,
        /// XML that is not well-formed), after handing over what came before it.
        case failed(String)
    }

    let elements: AsyncStream<Element>
    private let continuation: AsyncStream<Element>.Continuation
    private let space: DispatchSemaphore
    private let cancelled = Atomic<Bool>(false)
    private let capacity: Int

    init(capacity: Int) {
        (elements, continuation) = AsyncStream.makeStream(of: Element.self)
        space = DispatchSemaphore(value: capacity)
        self.capacity = capacity
    }

    /// Blocks until there is room; false once the sender has stopped listening.
    func put(_ element: Element) -> Bool {
        space.wait()
        guard !cancelled.load(ordering: .acquiring) else { return false }
        continuation.yield(element)
        return true
    }

    /// The reader is done.
    func finish() {
        continuation.finish()
    }

    /// The sender has taken one chunk.
    func taken() {
        space.signal()
    }

    /// The sender stops listening: a waiting reader wakes and stops.
    func cancel() {
        cancelled.store(true, ordering: .releasing)
        for _ in 0..<capacity + 1 { space.signal() }
        continuation.finish()
    }
}
