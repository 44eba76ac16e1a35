import Synchronization

/// A process's exit status, delivered once to whoever asks, before or after the exit.
final class ExitBox: Sendable {
    private enum State {
        case running((@Sendable (Int32) -> Void)?)
        case exited(Int32)
    }

    private let state = Mutex<State>(.running(nil))

    /// Records the exit; calls the waiting handler, if any.
    func finish(_ status: Int32) {
        let handler: (@Sendable (Int32) -> Void)? = state.withLock { state in
            guard case .running(let waiting) = state else { return nil }
            state = .exited(status)
            return waiting
        }
        handler?(status)
    }

    /// Calls `handler` with the status once the process has exited (at once if it has).
    func onFinish(_ handler: @escaping @Sendable (Int32) -> Void) {
        let status: Int32? = state.withLock { state in
            switch state {
            case .running:
                state = .running(handler)
                return nil
            case .exited(let status):
                return status
            }
        }
        if let status { handler(status) }
    }
}
