import ServiceLifecycle

/// Returns (which shuts the service group down gracefully) when the process that
/// started this one is gone, so `tailor local` never leaves orphans behind, even when
/// it is killed with SIGKILL itself.
package struct ParentWatch: Service {
    package let parent: Int32

    package init(parent: Int32) {
        self.parent = parent
    }

    package func run() async throws {
        while ProcessControl.parentPID == parent {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(250)) }
            } catch {
                return
            }
        }
    }
}
