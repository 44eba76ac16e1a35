import Foundation
import NIOCore
import TailorProcess
import TailorClient

/// One open-loop run at one rate: warm-up, then the measured window, then the answers still
/// on their way (so that slow answers at the end are not left out of the latencies).
struct LoadRun {
    struct Settings: Sendable {
        var target: GatewayAddress
        var connections = 32
        /// Requests that may wait for a free connection, per connection.
        var queuedPerConnection = 8
        var warmup: Duration = .seconds(3)
        var duration: Duration = .seconds(30)
        var timeout: Duration = .seconds(10)
        /// Processes whose CPU time is read at both ends of the measured window.
        var cpu: ProcessCPU?
        /// Sent as `Authorization: Bearer` with every request (nil: none, an open gateway).
        var apiKey: String?
    }

    /// What one rate measured.
    struct Result: Sendable {
        var rate: Double
        var duration: Duration
        var tally: LoadTally
        /// CPU time each of `Settings.cpu`'s processes spent in the measured window (nil: exited).
        var cpu: [Duration?] = []
    }

    let settings: Settings
    let group: any EventLoopGroup

    func run(rate: Double, mix: LoadMix.Configuration) async -> Result {
        let schedule = OpenLoopSchedule(rate: rate, warmup: settings.warmup, duration: settings.duration)
        let pool = HTTP1ConnectionPool(
            target: settings.target, group: group, connections: settings.connections,
            queueCapacity: settings.connections * settings.queuedPerConnection, timeout: settings.timeout,
            headers: settings.apiKey.map { [("Authorization", "Bearer \($0)")] } ?? []
        )
        let requests = Self.Prepared(schedule, mix: mix)
        let clock = ContinuousClock()
        let start = clock.now
        let window = (start + schedule.measuredWindow.lowerBound)..<(start + schedule.measuredWindow.upperBound)
        let cpu = settings.cpu
        async let spent = Self.cpuSpent(by: cpu, in: window)
        let tally = await withTaskGroup(of: LoadTally.self) { group in
            group.addTask { await pool.run(window: window) }
            group.addTask { await Self.generate(schedule, requests: requests, start: start, into: pool) }
            var total = LoadTally()
            for await tally in group { total.add(tally) }
            return total
        }
        return Result(rate: rate, duration: settings.duration, tally: tally, cpu: await spent)
    }

    /// The CPU time each watched process spends between the window's two ends.
    private static func cpuSpent(by cpu: ProcessCPU?, in window: Range<ContinuousClock.Instant>) async -> [Duration?] {
        guard let cpu else { return [] }
        let clock = ContinuousClock()
        try? await clock.sleep(until: window.lowerBound)
        let before = cpu.sample()
        try? await clock.sleep(until: window.upperBound)
        return zip(before, cpu.sample()).map { start, end in
            guard let start, let end else { return nil }
            return end - start
        }
    }

    /// A run's requests, the first ones (up to `maximumPrepared`) encoded before its
    /// clock starts: encoding them as they go out took CPU from the cluster this tool
    /// shares the machine with. Beyond that bound (very high rates or long runs) they
    /// are encoded as they go, continuing the same mix.
    struct Prepared: Sendable {
        static let maximumPrepared = 250_000
        var encoded: [(kind: LoadKind, body: ByteBuffer)] = []
        /// The mix after the encoded ones, for the rest.
        var rest: LoadMix

        init(_ schedule: OpenLoopSchedule, mix configuration: LoadMix.Configuration) {
            rest = LoadMix(configuration: configuration)
            while encoded.count < Self.maximumPrepared, schedule.phase(at: schedule.offset(of: encoded.count)) != .over {
                encoded.append(Self.encode(rest.next()))
            }
        }

        private static let encoder: JSONEncoder = {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            return encoder
        }()

        static func encode(_ request: LoadRequest) -> (kind: LoadKind, body: ByteBuffer) {
            do {
                switch request {
                case .recommendation(let recommendation): return (request.kind, ByteBuffer(bytes: try encoder.encode(recommendation)))
                case .events(let batch): return (request.kind, ByteBuffer(bytes: try encoder.encode(batch)))
                }
            } catch {
                preconditionFailure("the API's own types always encode: \(error)")
            }
        }

        /// The request at `index` of the run (in order: each index once, ascending).
        mutating func request(at index: Int) -> (kind: LoadKind, body: ByteBuffer) {
            index < encoded.count ? encoded[index] : Self.encode(rest.next())
        }
    }

    /// Offers each request at its scheduled time, whether or not earlier ones were answered.
    /// Returns what it offered and dropped in the measured window.
    private static func generate(
        _ schedule: OpenLoopSchedule, requests prepared: Prepared,
        start: ContinuousClock.Instant, into pool: HTTP1ConnectionPool
    ) async -> LoadTally {
        defer { pool.finish() }
        var requests = prepared
        let clock = ContinuousClock()
        var tally = LoadTally()
        var index = 0
        while true {
            let offset = schedule.offset(of: index)
            let phase = schedule.phase(at: offset)
            if phase == .over || Task.isCancelled { break }
            let request = requests.request(at: index)
            index += 1
            let due = start + offset
            // Behind schedule (a slow encoder, a late wake-up) the next ones go out at once:
            // their latency still counts from when they were due.
            if clock.now < due {
                try? await clock.sleep(until: due, tolerance: .microseconds(50))
            } else if index % 256 == 0 {
                // Far behind (a rate above what this machine can generate): let the connections run.
                await Task.yield()
            }
            let measured = phase == .measured
            let item = LoadWorkItem(kind: request.kind, body: request.body, scheduled: due, measured: measured)
            let accepted = pool.offer(item)
            if measured {
                tally[request.kind].offered += 1
                if !accepted { tally[request.kind].dropped += 1 }
            }
        }
        return tally
    }
}
