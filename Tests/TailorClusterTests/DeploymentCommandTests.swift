import ArgumentParser
import Testing
@testable import TailorCommands
@testable import TailorLab
@testable import TailorEval
@testable import TailorSettings
@testable import TailorProcess
@testable import TailorClient
@testable import TailorTesting

/// The commands the deployment files lean on: `check-args` (which checks their
/// command lines) and `probe` (their health checks).
@Suite("deployment commands: check-args and probe")
struct DeploymentCommandTests {
    @Test("check-args accepts a node's and a gateway's command line and refuses a misspelt flag, naming it")
    func checkArgs() {
        let members = "n1=n1:7101,n2=n2:7101,n3=n3:7101"
        #expect(CheckArgsCommand.problem(with: ["node", "--name", "n1", "--listen", "0.0.0.0:7101", "--members", members]) == nil)
        #expect(CheckArgsCommand.problem(with: ["gateway", "--listen=0.0.0.0:8080", "--members=\(members)"]) == nil)
        let misspelt = CheckArgsCommand.problem(with: ["node", "--name", "n1", "--listen", "0.0.0.0:7101", "--members", members, "--partitons", "32"])
        #expect(misspelt?.contains("--partitons") == true, "\(misspelt ?? "accepted")")
        #expect(CheckArgsCommand.problem(with: ["gateway", "--listen", "0.0.0.0:8080"])?.contains("--members") == true)
        #expect(CheckArgsCommand.problem(with: ["node", "--help"]) != nil)
        #expect(CheckArgsCommand.problem(with: []) != nil)
    }

    @Test("probe reads http:// as HTTP/1.1 and h2c:// as HTTP/2, and refuses anything else")
    func probeTargets() throws {
        #expect(try ProbeCommand.target("http://127.0.0.1:8080/readyz") == .init(http2: false, host: "127.0.0.1", port: 8080, path: "/readyz"))
        #expect(try ProbeCommand.target("h2c://n1:7101/internal/ping") == .init(http2: true, host: "n1", port: 7101, path: "/internal/ping"))
        for bad in ["https://a:1/x", "h2c://a/x", "127.0.0.1:8080", ""] {
            #expect(throws: (any Error).self, "\(bad)") { try ProbeCommand.target(bad) }
        }
    }
}
