import ArgumentParser

/// `tailor-lab bench scoring`: the catalog partitions' scoring kernel, one core, no I/O.
struct ScoringBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scoring",
        abstract: "µs per request to score all 64 partitions of the demo shop, as a ratio to a full scan of every product.",
        discussion: """
            Builds the standard demo shop into 64 catalog partitions as a node does, draws a seeded set \
            of recommendation requests (home_for_you, product_similar, cart_addons) from the load mix, \
            merges each shopper's situation with the request, then scores every partition per request: \
            (a) with candidate selection, as the nodes do, (b) by a full scan of every product (the \
            reference). Prints median and p99 per request, requests/s on one core, the share of requests \
            whose top 10 agree between (a) and (b), and digests of the results to compare builds by.
            """
    )

    @Option(help: "Requests in the fixed set.")
    var requests: Int = 500

    @Option(help: "Seed of the request set.")
    var seed: UInt64 = 1

    @Option(help: "Measured passes over the request set (after one warm-up pass).")
    var rounds: Int = 5

    @Option(help: "Share of requests that ask for the trending/discovery mix, 0...1.")
    var mixShare: Double = 0

    func validate() throws {
        guard (1...100_000).contains(requests) else { throw ValidationError("--requests must be 1...100000") }
        guard (1...1_000).contains(rounds) else { throw ValidationError("--rounds must be 1...1000") }
        guard (0...1).contains(mixShare) else { throw ValidationError("--mix-share must be 0...1") }
    }

    func run() async throws {
        let bench = ScoringBench(requestCount: requests, seed: seed, rounds: rounds, mixShare: mixShare)
        bench.run()
    }
}
