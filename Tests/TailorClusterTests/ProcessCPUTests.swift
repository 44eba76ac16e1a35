import Foundation
import NIOCore
import Testing
@testable import TailorCommands
@testable import TailorLab
@testable import TailorEval
@testable import TailorSettings
@testable import TailorProcess
@testable import TailorClient
@testable import TailorTesting

/// `tailor-lab load --cpu-of` reads what processes spend from /proc.
@Suite("tailor-lab load's CPU readings")
struct ProcessCPUTests {
    @Test("a process's CPU time grows while it works")
    func cpuTimeGrows() throws {
        let pid = getpid()
        let start = try #require(ProcessCPU.cpuTime(of: pid))
        // Work until the clock-tick-grained reading moves (bounded: 5 s of work at most).
        var checksum: UInt64 = 0
        let deadline = ContinuousClock.now + .seconds(5)
        var now = start
        while now <= start, ContinuousClock.now < deadline {
            for value in 0..<200_000 { checksum = checksum &* 31 &+ UInt64(value) }
            now = ProcessCPU.cpuTime(of: pid) ?? start
        }
        #expect(checksum != 1)
        #expect(now > start)
    }

    @Test("a process that does not exist cannot be watched")
    func missingProcess() {
        #expect(ProcessCPU.cpuTime(of: Int32.max) == nil)
        #expect(ProcessCPU(pids: [Int32.max]) == nil)
        #expect(ProcessCPU(pids: [getpid()])?.watched.last?.name == "tailor load")
    }

    @Test("members are named by role and name")
    func names() {
        #expect(ProcessCPU.name(arguments: ["/x/release/tailor", "node", "--name", "n2", "--listen", "a:1"]) == "node n2")
        #expect(ProcessCPU.name(arguments: ["/x/tailor", "gateway", "--listen", "a:1"]) == "gateway")
        #expect(ProcessCPU.name(arguments: ["/usr/bin/nghttpd", "8080"]) == "nghttpd 8080")
        #expect(ProcessCPU.name(arguments: []) == nil)
    }

    @Test("--cpu-of takes comma-separated process ids")
    func pidList() {
        #expect(LoadCommand.pids("12, 34") == [12, 34])
        #expect(LoadCommand.pids("12,x") == nil)
        #expect(LoadCommand.pids("0") == nil)
        #expect(LoadCommand.pids("") == nil)
    }
}

/// `tailor-lab load` reads only the `degraded` flag of an answer, by a byte scan.
@Suite("tailor-lab load's answer check")
struct LoadAnswerCheckTests {
    private func flag(_ text: String) -> Bool? {
        LoadEngine.degradedFlag(in: ByteBuffer(string: text))
    }

    @Test("the flag is read, text that only looks like it is not")
    func degradedFlag() {
        #expect(flag(#"{"coverage":{"answered":32,"degraded":false,"partitions":32},"items":[]}"#) == false)
        #expect(flag(#"{"coverage":{"answered":30,"degraded":true,"partitions":32}}"#) == true)
        // An escaped quote inside a string cannot end the key.
        #expect(flag(#"{"items":[{"title":"a \"degraded\":true b"}],"coverage":{"degraded":false}}"#) == false)
        #expect(flag(#"{"items":[{"title":"a \"degraded\":true b"}]}"#) == nil)
        #expect(flag(#"{"coverage":{"degraded":"yes"}}"#) == nil)
        #expect(flag("<html>degraded</html>") == nil)
        #expect(flag("") == nil)
    }
}
