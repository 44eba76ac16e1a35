#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process-control calls Tailor makes outside the HTTP/2 transport: signals to its
/// own children and itself, the parent's pid, free ports. With `TailorHTTP2`, this
/// module is the only code that calls the C library directly.
package enum ProcessControl {
    /// The signals the launcher and the tests send to members.
    package enum Signal: Sendable {
        /// SIGTERM: a graceful stop.
        case terminate
        /// SIGKILL: a crash.
        case kill
        /// SIGSTOP: a member that stays connected but answers nothing.
        case pause
        /// SIGCONT: the paused member runs on.
        case resume

        var number: Int32 {
            switch self {
            case .terminate: SIGTERM
            case .kill: SIGKILL
            case .pause: SIGSTOP
            case .resume: SIGCONT
            }
        }
    }

    /// Sends `signal` to process `pid`.
    package static func send(_ signal: Signal, to pid: Int32) {
        _ = Glibc.kill(pid, signal.number)
    }

    /// Whether this process runs as root (the chaos suite's namespaces need it).
    package static var isRoot: Bool { getuid() == 0 }

    /// This process's pid.
    package static var currentPID: Int32 { getpid() }

    /// The pid of the process that started this one (1 or a subreaper's once it is gone).
    package static var parentPID: Int32 { getppid() }

    /// Clock ticks per second of `/proc/<pid>/stat`'s times.
    package static var clockTicksPerSecond: Int64 { Int64(sysconf(Int32(_SC_CLK_TCK))) }

    /// Ends this process at once with SIGKILL, as a crash would (the chaos suite's
    /// failpoint): nothing is flushed, nothing runs after.
    package static func killSelf() -> Never {
        _ = Glibc.kill(getpid(), SIGKILL)
        fatalError("SIGKILL did not end the process")
    }
}
