import Foundation
import NIOCore
import NIOHTTP1
import TailorClient
import TailorModel

/// One keep-alive connection of the pool: takes a request, sends it, reads the whole answer,
/// and reconnects when the server closes or a request times out.
struct HTTP1Connection {
    let pool: HTTP1ConnectionPool
    let window: Range<ContinuousClock.Instant>
    private var tally = LoadTally()
    private let decoder = JSONDecoder()
    private let clock = ContinuousClock()

    init(pool: HTTP1ConnectionPool, window: Range<ContinuousClock.Instant>) {
        self.pool = pool
        self.window = window
    }

    mutating func run() async -> LoadTally {
        var carried: LoadWorkItem?
        while true {
            let first = carried
            carried = nil
            var connected = false
            do {
                let ending = try await pool.target.withConnection(on: pool.group, connectTimeout: pool.timeout) { connection in
                    connected = true
                    var item = first
                    while true {
                        if item == nil { item = await pool.next() }
                        guard let current = item else { return Ending.finished }
                        item = nil
                        // A connection the server closed while idle: resend on a new one, uncounted.
                        guard connection.channel.isActive else { return Ending.reconnect(current) }
                        let reusable = await exchange(current, &connection)
                        if !reusable { return Ending.reconnect(nil) }
                    }
                }
                switch ending {
                case .finished: return tally
                case .reconnect(let item): carried = item
                }
            } catch {
                guard !connected else { continue }  // closing failed: the connection is gone either way
                // The server went away: every request this connection takes fails until it is back.
                var item = first
                if item == nil { item = await pool.next() }
                guard let item else { return tally }
                record(item, .noAnswer("connect"))
            }
        }
    }

    private enum Ending {
        case finished
        case reconnect(LoadWorkItem?)
    }

    /// Sends `item` and reads its answer; false when the connection cannot carry another request.
    private mutating func exchange(_ item: LoadWorkItem, _ connection: inout APIConnection) async -> Bool {
        let sent = clock.now
        do {
            // A request that takes too long closes its connection (the client's timeout).
            let answer = try await connection.send(APIRequest(.POST, item.kind.path, body: item.body, headers: pool.headers), timeout: pool.timeout)
            record(item, outcome(status: answer.status, body: answer.body, kind: item.kind))
            return answer.keepAlive
        } catch {
            record(item, .noAnswer(clock.now - sent >= pool.timeout ? "timeout" : "closed"))
            return false
        }
    }

    private func outcome(status: Int, body: ByteBuffer, kind: LoadKind) -> LoadOutcome {
        guard (200..<300).contains(status) else { return .failedStatus(status) }
        switch kind {
        case .recommendations:
            // Only the coverage's flag is read, by a byte scan: a JSON decode of every
            // answer took CPU from the cluster this tool shares the machine with.
            guard let degraded = Self.degradedFlag(in: body) else { return .undecodable(status: status) }
            return .success(status: status, degraded: degraded)
        case .events:
            let data = Data(body.readableBytesView)
            // The API answers an EventBatchResult; an empty 2xx (202/204) is accepted too.
            if body.readableBytes == 0 { return .success(status: status, degraded: false) }
            guard (try? decoder.decode(EventBatchResult.self, from: data)) != nil else { return .undecodable(status: status) }
            return .success(status: status, degraded: false)
        }
    }

    /// The value of `"degraded"` in a JSON object, or nil when the body is not an object
    /// with that boolean. (Inside a JSON string a quote is escaped, so the key cannot be
    /// mistaken for text; the gateway writes no whitespace around the colon.)
    static func degradedFlag(in body: ByteBuffer) -> Bool? {
        let key = Array(#""degraded":"#.utf8)
        let bytes = body.readableBytesView
        guard bytes.first == UInt8(ascii: "{"), let found = bytes.firstRange(of: key), found.upperBound < bytes.endIndex else {
            return nil
        }
        switch bytes[found.upperBound] {
        case UInt8(ascii: "t"): return true
        case UInt8(ascii: "f"): return false
        default: return nil
        }
    }

    private mutating func record(_ item: LoadWorkItem, _ outcome: LoadOutcome) {
        guard item.measured else { return }
        let now = clock.now
        tally[item.kind].record(outcome, latency: now - item.scheduled, inWindow: window.contains(now))
    }
}
