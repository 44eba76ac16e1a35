import ArgumentParser
import Foundation
import TailorProcess
import TailorDemo

/// `tailor-lab bench sizing`: how a member's memory and store grow with the shop, for the
/// README's sizing guidance. Shoppers and products are varied apart, and every size is
/// set against an empty node and gateway measured in the same run.
struct SizingBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sizing",
        abstract: "Memory and disk by shop size: a node holding every partition and a gateway, with demo shops of several sizes, each set against an empty one in the same run.",
        discussion: """
            For each size, `tailor node --demo --demo-shoppers S --demo-products P` (R = 1: it holds \
            every partition) and a gateway start; once the node has stored the shop and the gateway \
            holds the whole catalog, their resident memory (VmRSS) and the store's size are read. \
            Then the node is stopped (SIGTERM) and started again from its store alone, as after any \
            restart, and read again. A least-squares fit of memory above the empty node's gives \
            MiB per million shoppers and per million products.
            """
    )

    @Option(help: "Shop sizes to measure, SHOPPERSxPRODUCTS, comma-separated.")
    var sizes = "25000x20000,50000x20000,100000x20000,50000x5000,50000x80000"

    @Option(help: "P: partitions of the node.")
    var partitions = 32

    @Option(help: "The gateway's public port (its internal port: any free one).")
    var port = 28080

    @Option(help: "The node's internal HTTP/2 port.")
    var nodePort = 28101

    @Option(help: "Seconds to wait for one size to load and sync.")
    var timeoutSeconds = 1_800

    func validate() throws {
        guard Self.parse(sizes) != nil else { throw ValidationError("--sizes: give SHOPPERSxPRODUCTS, comma-separated (50000x20000)") }
        guard (1...65_536).contains(partitions) else { throw ValidationError("--partitions must be between 1 and 65536") }
    }

    static func parse(_ text: String) -> [SizingRun.Size]? {
        let sizes = text.split(separator: ",", omittingEmptySubsequences: false).map { entry -> SizingRun.Size? in
            let parts = entry.split(separator: "x")
            guard parts.count == 2, let shoppers = Int(parts[0]), let products = Int(parts[1]),
                DemoShop.Configuration.allowedCounts.contains(shoppers), DemoShop.Configuration.allowedCounts.contains(products)
            else { return nil }
            return SizingRun.Size(shoppers: shoppers, products: products)
        }
        guard !sizes.isEmpty, sizes.allSatisfy({ $0 != nil }) else { return nil }
        return sizes.compactMap(\.self)
    }

    func run() async throws {
        // The members are `tailor` processes: the executable next to this one.
        let executable = Executables.tailor
        let memory = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8))?.split(separator: "\n").first ?? "?"
        say("bench sizing: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(memory); one node (R = 1, P = \(partitions)) and a gateway")
        say(SizingRun.Measurement.header)
        func measure(_ size: SizingRun.Size?) async throws -> SizingRun.Measurement {
            let run = SizingRun(
                executable: executable, size: size, partitions: partitions, port: port, nodePort: nodePort,
                timeout: .seconds(timeoutSeconds)
            )
            let measurement = try await run.measure()
            say(measurement.row)
            return measurement
        }
        let empty = try await measure(nil)
        var measured: [SizingRun.Measurement] = []
        for size in Self.parse(sizes) ?? [] {
            measured.append(try await measure(size))
        }
        say("")
        for (what, value) in [
            ("node after loading", \SizingRun.Measurement.nodeLoadedMiB), ("node restarted from its store", \.nodeRestartedMiB),
            ("gateway", \.gatewayMiB), ("store on disk", \.storeMiB),
        ] as [(String, KeyPath<SizingRun.Measurement, Double>)] {
            let fit = SizingRun.fit(measured, above: empty, value)
            say(
                "\(what.padding(toLength: 30, withPad: " ", startingAt: 0)) empty \(String(format: "%6.0f", empty[keyPath: value])) MiB"
                    + " + \(String(format: "%6.0f", fit.perMillionShoppers)) MiB per million shoppers"
                    + " + \(String(format: "%6.0f", fit.perMillionProducts)) MiB per million products"
                    + "  (fit error at most \(String(format: "%.0f", fit.worstError)) MiB)"
            )
        }
        if let events = measured.first(where: { $0.events > 0 }) {
            say("The demo's shoppers have \(String(format: "%.1f", Double(events.events) / Double(events.size.shoppers))) events each (30 days).")
        }
    }
}
