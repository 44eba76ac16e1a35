import Foundation

/// CPU time of processes on this machine, read from Linux's `/proc/<pid>/stat`
/// (user + system time), for `tailor load --cpu-of`: what each member of a local
/// cluster spends per request, next to the latencies.
struct ProcessCPU: Sendable {
    /// A process to watch and how the report names it.
    struct Watched: Sendable, Hashable {
        var pid: Int32
        var name: String
    }

    let watched: [Watched]

    /// `pids` plus this process (the load generator, named "tailor load"); nil when
    /// `/proc` cannot be read for one of them.
    init?(pids: [Int32]) {
        var watched: [Watched] = []
        for pid in pids {
            guard Self.cpuTime(of: pid) != nil else { return nil }
            watched.append(Watched(pid: pid, name: Self.name(of: pid)))
        }
        watched.append(Watched(pid: getpid(), name: "tailor load"))
        self.watched = watched
    }

    /// Each watched process's CPU time so far; a process that has exited reads nil.
    func sample() -> [Duration?] {
        watched.map { Self.cpuTime(of: $0.pid) }
    }

    /// User + system time of `pid`, or nil when it is gone.
    static func cpuTime(of pid: Int32) -> Duration? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")")
        else { return nil }
        // After "pid (comm) ", the fields start at state (field 3); utime and stime
        // are fields 14 and 15, in clock ticks.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Int64(fields[11]), let system = Int64(fields[12]) else { return nil }
        let ticks = Int64(sysconf(Int32(_SC_CLK_TCK)))
        guard ticks > 0 else { return nil }
        return .milliseconds((user + system) * 1_000 / ticks)
    }

    /// "node n1", "gateway" for Tailor's members (from their command line), else the command's name.
    static func name(of pid: Int32) -> String {
        let raw = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
        return name(arguments: raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }) ?? "pid \(pid)"
    }

    /// The name of a command line: "node n1", "gateway", else the program and its first argument.
    static func name(arguments: [String]) -> String? {
        guard let program = arguments.first else { return nil }
        let command = URL(fileURLWithPath: program).lastPathComponent
        guard arguments.count > 1 else { return command }
        if arguments[1] == "node", let flag = arguments.firstIndex(of: "--name"), flag + 1 < arguments.count {
            return "node \(arguments[flag + 1])"
        }
        if arguments[1] == "gateway" { return "gateway" }
        return "\(command) \(arguments[1])"
    }
}
