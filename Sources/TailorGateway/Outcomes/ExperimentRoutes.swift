import Foundation
import HTTPTypes
import Hummingbird
import TailorModel
import TailorOutcomes
import TailorWire

/// An experiment as the API shows it: the definition's fields as `PUT` took them, the
/// register's (version, when, by whom), whether it runs now; `GET
/// /v1/experiments/{id}` adds the results.
struct ExperimentView: Encodable, Sendable {
    var definition: ExperimentDefinition
    var register: RegisterFields
    var running: Bool
    var results: ExperimentResults?
    /// Whether every shopper partition answered for the results.
    var countsComplete: Bool?
    /// A bandit's allocations as this gateway computed them, oldest first (``AllocationHistory``).
    var allocationHistory: [AllocationHistory.Sample]?

    enum CodingKeys: String, CodingKey { case running, results, countsComplete, allocationHistory }

    init(_ entry: ExperimentBook.Entry, now: Date = Date()) {
        definition = entry.definition
        register = RegisterFields(entry.record)
        running = entry.definition.isRunning(at: now)
    }

    func encode(to encoder: any Encoder) throws {
        // One flat object: the shape `PUT` takes plus the register's fields and the view's own.
        try definition.encode(to: encoder)
        try register.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(running, forKey: .running)
        try container.encodeIfPresent(results, forKey: .results)
        try container.encodeIfPresent(countsComplete, forKey: .countsComplete)
        try container.encodeIfPresent(allocationHistory, forKey: .allocationHistory)
    }
}

/// `GET /v1/experiments/{id}/counterfactual`'s answer.
struct CounterfactualView: Encodable, Sendable {
    var experiment: String
    var policy: String
    var objective: Objective
    /// The policy's estimated objective per impression (per 1,000 for revenue and margin).
    var estimate: Estimate
    var matchedImpressions: Double
    var effectiveSampleSize: Double
    /// What the traffic as logged earned, the same way: the reference.
    var logged: Estimate
    var countsComplete: Bool
}

extension GatewayService {
    func addExperimentRoutes(to routes: RouterGroup<GatewayRequestContext>) {
        routes.get("/v1/experiments") { _, _ in
            try JSONCoding.response(["experiments": self.experiments.entries.map { ExperimentView($0) }])
        }
        routes.put("/v1/experiments/{id}") { request, context in
            let id = try Self.configID(context, "an experiment")
            let definition = try await JSONCoding.decode(ExperimentDefinition.self, from: request)
            do throws(ValidationError) { try definition.validate() } catch { throw APIError(error) }
            if let other = self.experiments.overlapping(definition, except: id) {
                throw APIError(
                    status: .conflict, field: other.field,
                    problem: "experiment '\(other.id)' already runs on \(other.shared); one experiment per \(other.kind) (delete it or leave the \(other.kind) out)"
                )
            }
            let isNew = self.experiments.entry(id: id) == nil
            let record = try self.experiments.put(id: id, definition: definition, by: context.caller?.keyID ?? "open")
            let (stored, nodes) = try await self.store(record, .experiment)
            guard let entry = self.experiments.entry(id: id) else {
                throw APIError(status: .conflict, field: nil, problem: "a newer write of experiment '\(id)' arrived meanwhile")
            }
            var view = ExperimentView(entry)
            (view.register.storedOn, view.register.nodes) = (stored, nodes)
            return try JSONCoding.response(view, status: isNew ? .created : .ok)
        }
        routes.get("/v1/experiments/{id}") { _, context in
            let id = try Self.configID(context, "an experiment")
            guard let entry = self.experiments.entry(id: id) else { throw Self.noExperiment(id) }
            let snapshot = await self.readOutcomes(experimentsOnly: true)
            var view = ExperimentView(entry)
            view.results = ExperimentResults(
                definition: entry.definition, cells: snapshot.cells.filter { $0.key.experiment == id },
                shoppers: Dictionary(snapshot.shoppers.filter { $0.key.experiment == id }.map { ($0.key.variant, $0.value) }, uniquingKeysWith: +),
                shares: self.experiments.allocation(of: id).shares, seed: ExperimentBook.seed(id, "results")
            )
            view.countsComplete = snapshot.isComplete
            if entry.definition.allocation == .bandit { view.allocationHistory = self.experiments.allocationHistory(of: id) }
            return try JSONCoding.response(view)
        }
        routes.delete("/v1/experiments/{id}") { _, context in
            let id = try Self.configID(context, "an experiment")
            guard let record = self.experiments.delete(id: id, by: context.caller?.keyID ?? "open") else { throw Self.noExperiment(id) }
            let (stored, nodes) = try await self.store(record, .experiment)
            return try JSONCoding.response(DefinitionDeleted(id: id, deleted: true, storedOn: stored, nodes: nodes))
        }
        routes.get("/v1/experiments/{id}/counterfactual") { request, context in
            let id = try Self.configID(context, "an experiment")
            guard let entry = self.experiments.entry(id: id) else { throw Self.noExperiment(id) }
            let objective = try request.uri.queryParameters.get("objective").map { text in
                guard let objective = Objective(rawValue: text) else {
                    throw APIError(status: .badRequest, field: "objective", problem: "must be one of \(Objective.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return objective
            } ?? entry.definition.objective
            guard let policyText = request.uri.queryParameters.get("policy"), !policyText.isEmpty else {
                throw APIError(
                    status: .badRequest, field: "policy",
                    problem: "name the policy to evaluate: logging, a variant's name, or context=variant pairs such as mobile=margin,*=personalised"
                )
            }
            let policy = try CounterfactualPolicy(policyText, definition: entry.definition)
            let snapshot = await self.readOutcomes(experimentsOnly: true)
            let cells = snapshot.cells.filter { $0.key.experiment == id }.sorted { $0.key < $1.key }
            let scale: Double = objective.isBinary ? 1 : 1000
            let logged = Counterfactual.logging(objective: objective, cells: cells.map(\.value))
            let estimate = policy.isLogging
                ? logged
                : Counterfactual.snips(objective: objective, cells: cells.map { (policy.probability(of: $0.key.variant, in: $0.key.context), $0.value) })
            return try JSONCoding.response(CounterfactualView(
                experiment: id, policy: policyText, objective: objective,
                estimate: Estimate(value: estimate?.value, interval: estimate?.interval).scaled(by: scale),
                matchedImpressions: estimate?.matchedImpressions ?? 0, effectiveSampleSize: estimate?.effectiveSampleSize ?? 0,
                logged: Estimate(value: logged?.value, interval: logged?.interval).scaled(by: scale),
                countsComplete: snapshot.isComplete
            ))
        }
    }

    private static func noExperiment(_ id: String) -> APIError {
        APIError(status: .notFound, field: "id", problem: "no experiment '\(id)'")
    }
}


/// A policy to evaluate on an experiment's logged traffic: `logging` (what was
/// shown), a variant's name (always that variant), or `context=variant` pairs with
/// `*` for every other context (`mobile=margin,*=personalised`).
struct CounterfactualPolicy {
    let isLogging: Bool
    private let byContext: [String: String]
    private let otherwise: String?

    init(_ text: String, definition: ExperimentDefinition) throws {
        let names = Set(definition.variants.map(\.name))
        func check(_ name: String) throws -> String {
            guard names.contains(name) else {
                throw APIError(
                    status: .badRequest, field: "policy",
                    problem: "'\(name)' is not a variant of this experiment (\(definition.variants.map(\.name).joined(separator: ", ")))"
                )
            }
            return name
        }
        if text == "logging" {
            (isLogging, byContext, otherwise) = (true, [:], nil)
        } else if !text.contains("=") {
            (isLogging, byContext, otherwise) = (false, [:], try check(text))
        } else {
            var byContext: [String: String] = [:]
            var otherwise: String?
            for pair in text.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty else {
                    throw APIError(status: .badRequest, field: "policy", problem: "'\(pair)' is not context=variant")
                }
                if parts[0] == "*" { otherwise = try check(parts[1]) } else { byContext[parts[0].lowercased()] = try check(parts[1]) }
            }
            (isLogging, self.byContext, self.otherwise) = (false, byContext, otherwise)
        }
    }

    /// The probability the policy shows `variant` in `context` (0 or 1).
    func probability(of variant: String, in context: String) -> Double {
        (byContext[context] ?? otherwise) == variant ? 1 : 0
    }
}
