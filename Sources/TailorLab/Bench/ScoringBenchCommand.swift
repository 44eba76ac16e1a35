import ArgumentParser

/// `tailor-lab bench scoring`: the catalog partitions' scoring kernel, one core, no I/O.
struct ScoringBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scoring",
        abstract: "µs per request to score all 64 partitions of the demo shop in the node index, as a ratio to scoring each partition apart.",
        discussion: """
            Builds the standard demo shop into 64 catalog partitions as a node does, draws a seeded set \
            of recommendation requests (home_for_you, product_similar, cart_addons) from the load mix, \
            merges each shopper's situation with the request, then scores every partition per request: \
            (n) in the node index (one index over the 64 partitions, one pass, as the nodes do), \
            (a) partition by partition with candidate selection, merged (the reference: the design \
            before the node index), (b) partition by partition by a full scan of every product. Prints \
            median and p99 per request, requests/s on one core, the ratios, the share of requests whose \
            top 10 agree, and digests of the results to compare builds by.
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

    @Flag(help: "Score with the node index only, without the references (to profile it).")
    var nodeOnly = false

    func validate() throws {
        guard (1...100_000).contains(requests) else { throw ValidationError("--requests must be 1...100000") }
        guard (1...1_000).contains(rounds) else { throw ValidationError("--rounds must be 1...1000") }
        guard (0...1).contains(mixShare) else { throw ValidationError("--mix-share must be 0...1") }
    }

    func run() async throws {
        var bench = ScoringBench(requestCount: requests, seed: seed, rounds: rounds, mixShare: mixShare)
        bench.nodeOnly = nodeOnly
        bench.run()
    }
}
