#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ServiceLifecycle

/// Returns (which shuts the service group down gracefully) when the process that
/// started this one is gone, so `tailor local` never leaves orphans behind, even when
/// it is killed with SIGKILL itself.
struct ParentWatch: Service {
    let parent: Int32

    func run() async throws {
        while getppid() == parent {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(250)) }
            } catch {
                return
            }
        }
    }
}
