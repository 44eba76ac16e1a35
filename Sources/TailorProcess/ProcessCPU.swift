import Foundation

/// CPU time of processes on this machine, read from Linux's `/proc/<pid>/stat`
/// (user + system time), for `tailor-lab load --cpu-of`: what each member of a local
/// cluster spends per request, next to the latencies.
package struct ProcessCPU: Sendable {
    /// A process to watch and how the report names it.
    package struct Watched: Sendable, Hashable {
        package var pid: Int32
        package var name: String
    }

    package let watched: [Watched]

    /// `pids` plus this process (the load generator, named "tailor load"); nil when
    /// `/proc` cannot be read for one of them.
    package init?(pids: [Int32]) {
        var watched: [Watched] = []
        for pid in pids {
            guard Self.cpuTime(of: pid) != nil else { return nil }
            watched.append(Watched(pid: pid, name: Self.name(of: pid)))
        }
        watched.append(Watched(pid: ProcessControl.currentPID, name: "tailor load"))
        self.watched = watched
    }

    /// Each watched process's CPU time so far; a process that has exited reads nil.
    package func sample() -> [Duration?] {
        watched.map { Self.cpuTime(of: $0.pid) }
    }

    /// User + system time of `pid`, or nil when it is gone.
    package static func cpuTime(of pid: Int32) -> Duration? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")")
        else { return nil }
        // After "pid (comm) ", the fields start at state (field 3); utime and stime
        // are fields 14 and 15, in clock ticks.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Int64(fields[11]), let system = Int64(fields[12]) else { return nil }
        let ticks = ProcessControl.clockTicksPerSecond
        guard ticks > 0 else { return nil }
        return .milliseconds((user + system) * 1_000 / ticks)
    }

    /// "node n1", "gateway" for Tailor's members (from their command line), else the command's name.
    package static func name(of pid: Int32) -> String {
        let raw = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
        return name(arguments: raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }) ?? "pid \(pid)"
    }

    /// The name of a command line: "node n1", "gateway", else the program and its first argument.
    package static func name(arguments: [String]) -> String? {
        guard let program = arguments.first else { return nil }
        let command = URL(fileURLWithPath: program).lastPathComponent
        guard arguments.count > 1 else { return command }
        if arguments[1] == "node", let flag = arguments.firstIndex(of: "--name"), flag + 1 < arguments.count {
            return "node \(arguments[flag + 1])"
        }
        if arguments[1] == "gateway" { return "gateway" }
        return "\(command) \(arguments[1])"
    }

    /// The processes whose parent is `parent` (from /proc), in pid order.
    package static func children(of parent: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == parent
        }.sorted()
    }
}
