import Logging
import NIOCore
import TailorMembership
import TailorRPC
import TailorWire

extension Recommender {
    /// What a scatter's children report.
    enum ScatterOutcome: Sendable {
        case answered(member: String, response: WireScoreResponse, took: Duration)
        case failed(NodeCallError)
        /// The scatter's hedge timer fired ("" when it was cancelled): members still
        /// silent past their recent p95 are hedged.
        case hedgeDue(member: String)
        /// A hedge's answers; `unsent` when its request could not be built (the situation
        /// was not read): then none of `plan`'s members was asked.
        case hedged(plan: [String: [UInt32]], answers: [(member: String, response: WireScoreResponse)], failures: [NodeCallError], unsent: Bool)
    }

    /// One round: each member of `plan` scores its partitions, in parallel. A member
    /// still silent after its recent p95 latency has its pending partitions asked of
    /// their other replicas too (a hedge, within ``ClusterClient/takeHedge()``'s budget,
    /// with the request `hedgeRequest` builds); the first answer for a partition counts.
    ///
    /// The request is the same for every member but its partitions, so it is encoded
    /// once and each member's partitions are appended as a second message: protobuf
    /// merges concatenated messages, and `score` has no partitions of its own.
    ///
    /// `facts`: a decision's facts request for one member of the plan, in its own part
    /// of the request (the others do not compute them).
    func scatter(
        _ score: WireScoreRequest, plan: [String: [UInt32]], into gathered: inout ScatterAnswers, until end: ContinuousClock.Instant,
        facts: (member: String, request: WireFactsRequest)? = nil, hedgeRequest: @escaping @Sendable () async throws -> WireScoreRequest
    ) async {
        gathered.markTried(plan)
        let shared: ByteBuffer
        do {
            shared = try score.wireEncoded()
        } catch {
            logger.error("could not encode the scoring request", metadata: ["error": "\(error)"])
            return
        }
        let remaining = end - .now
        guard remaining > .zero else { return }
        let started = ContinuousClock.now
        let delays = Dictionary(uniqueKeysWithValues: plan.keys.map { ($0, cluster.hedgeDelay(for: $0)) })
        await withTaskGroup(of: ScatterOutcome.self) { group in
            for (member, partitions) in plan {
                let asked = facts?.member == member ? facts?.request : nil
                group.addTask { await call(member, partitions: partitions, shared: shared, facts: asked, timeout: remaining) }
            }
            // One timer for the scatter, at the earliest member's hedge delay (a task and a
            // timer per member cost the gateway measurably on every request).
            func armTimer(after delay: Duration) {
                guard delay < remaining / 2 else { return }
                group.addTask {
                    do { try await Task.sleep(for: delay) } catch { return .hedgeDue(member: "") }
                    return .hedgeDue(member: "*")
                }
            }
            if let first = delays.values.min() { armTimer(after: first) }
            var outstanding = Set(plan.keys)
            var hedgesInFlight = 0
            func reask(_ member: String) {
                guard let partitions = plan[member] else { return }
                let next = alternatives(for: partitions, of: member, in: gathered)
                guard !next.isEmpty else { return }
                gathered.markTried(next)
                hedgesInFlight += 1
                group.addTask { await hedge(next, request: hedgeRequest, until: end) }
            }
            while let outcome = await group.next() {
                switch outcome {
                case .answered(let member, let response, let took):
                    outstanding.remove(member)
                    cluster.recordLatency(member, took)
                    if response.situationUnavailable {
                        // Its replica of the shopper's partition awaits hand-off.
                        cluster.recordAnswers(member, asked: [cluster.shardMap.partition(of: score.user)], answered: [])
                    } else if let asked = plan[member] {
                        cluster.recordAnswers(member, asked: asked.map(Int.init), answered: Set(response.answered.map(Int.init)))
                    }
                    accept(response, from: member, plan: plan, into: &gathered)
                    // Partitions the member declined (its replica is catching up or awaits
                    // hand-off) go to their next replica at once, outside the hedge budget.
                    reask(member)
                case .failed(let error):
                    outstanding.remove(error.member)
                    gathered.failures[error.member] = error.message
                    logger.debug("scoring call failed", metadata: ["member": "\(error.member)", "error": "\(error.message)"])
                    // A member that failed (refused, reset, answered an error) leaves its
                    // partitions to their next replicas at once, as a decline does.
                    reask(error.member)
                case .hedgeDue(let timer):
                    guard !timer.isEmpty else { continue }
                    let elapsed = ContinuousClock.now - started
                    var next: Duration?
                    for member in outstanding.sorted() {
                        guard let delay = delays[member], delay <= elapsed else {
                            next = min(next ?? .seconds(3_600), delays[member] ?? .seconds(3_600))
                            continue
                        }
                        guard let partitions = plan[member] else { continue }
                        // A hedge the budget refuses marks nobody tried: when the slow member
                        // then declines, the partition's other replica is still asked.
                        let hedgePlan = alternatives(for: partitions, of: member, in: gathered)
                        guard !hedgePlan.isEmpty, cluster.takeHedge() else { continue }
                        gathered.markTried(hedgePlan)
                        hedgesInFlight += 1
                        group.addTask { await hedge(hedgePlan, request: hedgeRequest, until: end) }
                    }
                    if let next { armTimer(after: next - elapsed) }
                case .hedged(let hedgePlan, let answers, let failures, let unsent):
                    hedgesInFlight -= 1
                    for answer in answers { accept(answer.response, from: answer.member, plan: [:], into: &gathered) }
                    for failure in failures { gathered.failures[failure.member] = failure.message }
                    if unsent {
                        // Its members were never asked: a later round may still ask them.
                        for (member, partitions) in hedgePlan {
                            for partition in partitions { gathered.tried[Int(partition)].remove(member) }
                        }
                    }
                    for answer in answers {
                        let asked = hedgePlan[answer.member] ?? []
                        cluster.recordAnswers(answer.member, asked: asked.map(Int.init), answered: Set(answer.response.answered.map(Int.init)))
                        // What the hedge's member declined goes to a replica not yet asked, as a decline does.
                        let next = alternatives(for: asked, of: answer.member, in: gathered)
                        guard !next.isEmpty else { continue }
                        gathered.markTried(next)
                        hedgesInFlight += 1
                        group.addTask { await hedge(next, request: hedgeRequest, until: end) }
                    }
                }
                // Done when every partition answered, or nothing that could answer is left
                // (the hedge timers still asleep are cancelled, as is a slow call).
                if gathered.pending.isEmpty || (outstanding.isEmpty && hedgesInFlight == 0) {
                    group.cancelAll()
                    break
                }
            }
        }
    }

    private func call(
        _ member: String, partitions: [UInt32], shared: ByteBuffer, facts: WireFactsRequest? = nil, timeout: Duration
    ) async -> ScatterOutcome {
        var named = WireScoreRequest()
        named.partitions = partitions.sorted()
        if let facts { named.facts = facts }
        let started = ContinuousClock.now
        do {
            var body = shared
            body.writeImmutableBuffer(try named.wireEncoded())
            let response: WireScoreResponse = try await cluster.call(member, WireMethods.score, encoded: body, timeout: timeout)
            return .answered(member: member, response: response, took: .now - started)
        } catch {
            return .failed(error as? NodeCallError ?? NodeCallError(member: member, message: "\(error)"))
        }
    }

    /// The still pending partitions of a slow member, each on its next replica not yet
    /// asked. Marks nobody: the caller does (``ScatterAnswers/markTried(_:)``) when it sends.
    private func alternatives(for partitions: [UInt32], of member: String, in gathered: ScatterAnswers) -> [String: [UInt32]] {
        ScatterPlan.alternatives(for: partitions, of: member, pending: gathered.pending, tried: gathered.tried, readOrder: cluster.readOrder(of:))
    }

    /// Sends a hedge: the request with the situation, to each alternative replica.
    private func hedge(_ plan: [String: [UInt32]], request: () async throws -> WireScoreRequest, until end: ContinuousClock.Instant) async -> ScatterOutcome {
        let shared: ByteBuffer
        do {
            shared = try await request().wireEncoded()
        } catch {
            return .hedged(plan: plan, answers: [], failures: plan.keys.map { NodeCallError(member: $0, message: "hedge not sent: \(error)") }, unsent: true)
        }
        let remaining = end - .now
        return await withTaskGroup(of: ScatterOutcome.self) { group in
            for (member, partitions) in plan {
                group.addTask { await call(member, partitions: partitions, shared: shared, timeout: remaining) }
            }
            var answers: [(member: String, response: WireScoreResponse)] = []
            var failures: [NodeCallError] = []
            for await outcome in group {
                switch outcome {
                case .answered(let member, let response, _): answers.append((member, response))
                case .failed(let error): failures.append(error)
                case .hedgeDue, .hedged: break
                }
            }
            return .hedged(plan: plan, answers: answers, failures: failures, unsent: false)
        }
    }

    /// Takes a member's answer: its partitions still pending count as answered (a
    /// partition answered twice, by a hedge and by the slow member, counts once; the
    /// merge keeps each product once).
    private func accept(_ response: WireScoreResponse, from member: String, plan: [String: [UInt32]], into gathered: inout ScatterAnswers) {
        if response.hasFacts { gathered.facts = response.facts }
        if response.situationUnavailable, let asked = plan[member] {
            // It lacks the shopper's profile, not the catalog: ask it again with the situation.
            for partition in asked { gathered.tried[Int(partition)].remove(member) }
        }
        let fresh = response.answered.filter { gathered.pending.contains(Int($0)) }
        guard !fresh.isEmpty else { return }
        for partition in fresh { gathered.pending.remove(Int(partition)) }
        gathered.ranked.append(response.ranked.map(\.model))
        gathered.trending.append(response.trending.map(\.model))
        gathered.discovery.append(response.discovery.map(\.model))
        for origin in response.origins { gathered.origins[origin.product] = origin.model }
        gathered.removed += response.removed.compactMap(\.model)
    }
}
