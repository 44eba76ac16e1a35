import ArgumentParser
import Foundation
import TailorDemo
import Testing
@testable import TailorCommands
@testable import TailorLab
@testable import TailorEval
@testable import TailorSettings
@testable import TailorProcess
@testable import TailorClient
@testable import TailorTesting

/// `tailor-lab bench sizing`'s arithmetic and its sizes; the demo shop's size flags.
@Suite("sizing: the fit, the sizes, the demo size flags")
struct SizingBenchTests {
    private func measurement(_ shoppers: Int, _ products: Int, node: Double) -> SizingRun.Measurement {
        SizingRun.Measurement(
            size: .init(shoppers: shoppers, products: products), events: shoppers * 10, loadSeconds: 1, nodeLoadedMiB: node,
            gatewayMiB: 50, storeMiB: 0, restartSeconds: 1, nodeRestartedMiB: node
        )
    }

    @Test("the fit finds the memory per million shoppers and per million products above the empty member")
    func fitRecoversCoefficients() {
        // 40 MiB empty, 12,000 MiB per million shoppers, 2,500 per million products.
        let truth = { (s: Int, p: Int) in 40 + 12_000 * Double(s) / 1e6 + 2_500 * Double(p) / 1e6 }
        let sizes = [(25_000, 20_000), (50_000, 20_000), (100_000, 20_000), (50_000, 5_000), (50_000, 80_000)]
        let fit = SizingRun.fit(sizes.map { measurement($0.0, $0.1, node: truth($0.0, $0.1)) }, above: measurement(0, 0, node: 40), \.nodeLoadedMiB)
        #expect(abs(fit.perMillionShoppers - 12_000) < 0.01)
        #expect(abs(fit.perMillionProducts - 2_500) < 0.01)
        #expect(fit.worstError < 0.01)
        // Shoppers and products that always grow together cannot be told apart.
        let together = SizingRun.fit([measurement(1_000, 1_000, node: 60), measurement(2_000, 2_000, node: 80)], above: measurement(0, 0, node: 40), \.nodeLoadedMiB)
        #expect(together.worstError == .infinity)
    }

    @Test("sizes are SHOPPERSxPRODUCTS, comma-separated, each within the demo's limits")
    func sizes() {
        #expect(SizingBenchCommand.parse("25000x20000,100x5") == [.init(shoppers: 25_000, products: 20_000), .init(shoppers: 100, products: 5)])
        for bad in ["", "25000", "0x100", "10x", "1x20000000", "5x5,"] {
            #expect(SizingBenchCommand.parse(bad) == nil, "\(bad)")
        }
    }

    @Test("--demo-shoppers and --demo-products size the node's demo shop, within limits")
    func demoSizeFlags() throws {
        let base = ["node", "--name", "n1", "--listen", "127.0.0.1:7101", "--members", "n1=127.0.0.1:7101", "--demo"]
        let node = try #require(try TailorCommand.parseAsRoot(base + ["--demo-shoppers", "700", "--demo-products", "900"]) as? NodeCommand)
        #expect(node.demoShop.shopperCount == 700)
        #expect(node.demoShop.productCount == 900)
        let small = try #require(try TailorCommand.parseAsRoot(base + ["--demo-small"]) as? NodeCommand)
        #expect(small.demoShop.productCount == 2_000)
        #expect(CheckArgsCommand.problem(with: base + ["--demo-shoppers", "0"], environment: [:])?.contains("--demo-shoppers must be between") == true)
    }
}

extension ProcessSuites {
    @Suite("tailor-lab bench sizing on real processes", .serialized)
    struct SizingBenchRunTests {
        @Test("measures an empty member and demo shops of the sizes asked, the gateway holding each whole catalog")
        func benchRuns() throws {
            let ports = try FreePorts.take(2)
            let process = Process()
            process.executableURL = TestCluster.labExecutable
            process.arguments = [
                "bench", "sizing", "--sizes", "300x500,600x500,300x5000", "--partitions", "8", "--port", String(ports[0]),
                "--node-port", String(ports[1]), "--timeout-seconds", "120",
            ]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(text)")
            // Rows: shoppers, products, events, …; the bench waits for each catalog to be whole
            // (5,000 products come to the gateway in pages of at most 2,000).
            let rows = text.split(separator: "\n").map { $0.split(separator: " ") }.filter { $0.count > 10 && Int($0[0]) != nil }
            #expect(rows.map { "\($0[0])x\($0[1])" } == ["0x0", "300x500", "600x500", "300x5000"], "\(text)")
            let events = rows.compactMap { Int($0[2]) }
            #expect(events.count == 4 && events[0] == 0 && events[2] > events[1], "twice the shoppers, more events: \(text)")
            #expect(text.contains("MiB per million shoppers"), "\(text)")
        }
    }
}
