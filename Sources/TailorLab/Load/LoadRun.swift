import Foundation
import NIOCore
import TailorProcess
import TailorClient

/// One open-loop run at one rate: warm-up, then the measured window, then the answers still
/// on their way (so that slow answers at the end are not left out of the latencies).
struct LoadRun {
    struct Settings: Sendable {
        var target: GatewayAddress
        /// More public APIs to spread connections over with `target` (every node's, with
        /// `tailor local --api-on-nodes`).
        var alsoTargets: [GatewayAddress] = []
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
        return await run(schedule, requests: Prepared(schedule, mix: mix, head: head), engine: engine(readsBodies: true))
    }

    /// One run of the same `GET path` request at `rate`, reading only the answers' statuses
    /// (`tailor-lab bench loadgen`).
    func run(rate: Double, repeating path: String) async -> Result {
        let schedule = OpenLoopSchedule(rate: rate, warmup: settings.warmup, duration: settings.duration)
        let requests = Prepared(repeating: head.request(method: "GET", path: path, body: nil), kind: .recommendations, schedule: schedule, head: head)
        return await run(schedule, requests: requests, engine: engine(readsBodies: false))
    }

    private var head: RequestHead { RequestHead(target: settings.target, apiKey: settings.apiKey) }

    private func engine(readsBodies: Bool) -> LoadEngine {
        let engineSettings = LoadEngine.Settings(
            targets: [settings.target] + settings.alsoTargets, connections: settings.connections,
            queueCapacity: settings.connections * settings.queuedPerConnection, timeout: settings.timeout, readsBodies: readsBodies
        )
        return LoadEngine(settings: engineSettings, loop: group.next())
    }

    private func run(_ schedule: OpenLoopSchedule, requests: Prepared, engine: LoadEngine) async -> Result {
        let start = ContinuousClock.now
        let window = (start + schedule.measuredWindow.lowerBound)..<(start + schedule.measuredWindow.upperBound)
        async let spent = Self.cpuSpent(by: settings.cpu, in: window)
        let tally = await engine.run(schedule, requests: requests, start: start)
        return Result(rate: schedule.rate, duration: settings.duration, tally: tally, cpu: await spent)
    }

    /// The head every request of a run shares, but its path and length.
    struct RequestHead: Sendable {
        var authority: String
        var authorization: String?

        init(target: GatewayAddress, apiKey: String?) {
            authority = target.authority
            authorization = apiKey.map { "Bearer \($0)" }
        }

        /// The whole request: `POST kind.path` with `body` as JSON.
        func request(_ kind: LoadKind, body: [UInt8]) -> ByteBuffer {
            request(method: "POST", path: kind.path, body: body)
        }

        /// The whole request; a body is sent as JSON.
        func request(method: String, path: String, body: [UInt8]?) -> ByteBuffer {
            var head = "\(method) \(path) HTTP/1.1\r\nHost: \(authority)\r\n"
            if let authorization { head += "Authorization: \(authorization)\r\n" }
            let body = body ?? []
            if !body.isEmpty || method == "POST" { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
            head += "\r\n"
            var buffer = ByteBuffer()
            buffer.reserveCapacity(head.utf8.count + body.count)
            buffer.writeString(head)
            buffer.writeBytes(body)
            return buffer
        }
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
        var encoded: [(kind: LoadKind, bytes: ByteBuffer)] = []
        /// The mix after the encoded ones, for the rest.
        var rest: LoadMix
        let head: RequestHead

        init(_ schedule: OpenLoopSchedule, mix configuration: LoadMix.Configuration, head: RequestHead) {
            rest = LoadMix(configuration: configuration)
            self.head = head
            while encoded.count < Self.maximumPrepared, schedule.phase(at: schedule.offset(of: encoded.count)) != .over {
                encoded.append(Self.encode(rest.next(), head: head))
            }
        }

        /// The same request at every index of `schedule` (the load generator's own bench:
        /// `GET /healthz`, next to h2load sending the same).
        init(repeating bytes: ByteBuffer, kind: LoadKind, schedule: OpenLoopSchedule, head: RequestHead) {
            rest = LoadMix(configuration: .defaults)
            self.head = head
            while schedule.phase(at: schedule.offset(of: encoded.count)) != .over { encoded.append((kind, bytes)) }
        }

        private static let encoder: JSONEncoder = {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            return encoder
        }()

        static func encode(_ request: LoadRequest, head: RequestHead) -> (kind: LoadKind, bytes: ByteBuffer) {
            do {
                switch request {
                case .recommendation(let recommendation): return (request.kind, head.request(request.kind, body: Array(try encoder.encode(recommendation))))
                case .events(let batch): return (request.kind, head.request(request.kind, body: Array(try encoder.encode(batch))))
                case .decision(let decision): return (request.kind, head.request(request.kind, body: Array(try encoder.encode(decision))))
                }
            } catch {
                preconditionFailure("the API's own types always encode: \(error)")
            }
        }

        /// The request at `index` of the run (in order: each index once, ascending).
        mutating func request(at index: Int) -> (kind: LoadKind, bytes: ByteBuffer) {
            index < encoded.count ? encoded[index] : Self.encode(rest.next(), head: head)
        }
    }
}
