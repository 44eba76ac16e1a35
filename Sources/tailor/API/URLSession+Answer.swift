import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension URLSession {
    /// `data(for:)` that a cancelled caller does not reach into. On Linux,
    /// swift-corelibs-foundation's async `data(for:)` can deadlock when the calling task
    /// is cancelled just as the answer arrives: the cancellation holds the task's status
    /// lock and waits for the session's queue, which waits for that lock to resume the
    /// task (seen in CI: the chaos suite hung when it cancelled its watcher). The
    /// completion-handler form never learns of the cancellation; the request ends on its
    /// own, within the session's timeout.
    func answer(for request: URLRequest) async throws -> (Data, URLResponse) {
        try await withCheckedThrowingContinuation { continuation in
            dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: error)
                } else if let response {
                    continuation.resume(returning: (data ?? Data(), response))
                } else {
                    continuation.resume(throwing: URLError(.badServerResponse))
                }
            }.resume()
        }
    }
}
