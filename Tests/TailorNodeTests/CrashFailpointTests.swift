import Foundation
import Testing
import TailorNode

@Suite("The chaos suite's crash failpoint")
struct CrashFailpointTests {
    @Test("unset means no failpoint; a malformed value is refused, naming the variable")
    func parsing() throws {
        #expect(try CrashFailpoint.fromEnvironment([:]) == nil)
        let parsed = try CrashFailpoint.fromEnvironment([CrashFailpoint.environmentVariable: "0.25,/tmp/armed"])
        #expect(parsed == CrashFailpoint(probability: 0.25, armedWhileExists: "/tmp/armed"))
        let after = try CrashFailpoint.fromEnvironment([CrashFailpoint.environmentVariable: "1,after-commit,/tmp/armed,b"])
        #expect(after == CrashFailpoint(probability: 1, armedWhileExists: "/tmp/armed,b", moment: .afterCommit))
        for bad in ["1.5,/tmp/armed", "0.1", "x,/tmp/armed", "0.1,relative/path", "1,during-commit,/tmp/armed", "1,after-commit,relative"] {
            #expect {
                _ = try CrashFailpoint.fromEnvironment([CrashFailpoint.environmentVariable: bad])
            } throws: { error in
                "\(error)".contains(CrashFailpoint.environmentVariable)
            }
        }
    }

    @Test("it draws a crash only while its file exists")
    func armedByFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-failpoint-\(UUID().uuidString)")
        let failpoint = CrashFailpoint(probability: 1, armedWhileExists: file.path)
        #expect(failpoint.draw() == nil)
        #expect(FileManager.default.createFile(atPath: file.path, contents: nil))
        defer { try? FileManager.default.removeItem(at: file) }
        let moments = Set((0..<200).compactMap { _ in failpoint.draw() })
        #expect(moments == [.beforeCommit, .afterCommit])
        let afterOnly = CrashFailpoint(probability: 1, armedWhileExists: file.path, moment: .afterCommit)
        #expect(Set((0..<50).compactMap { _ in afterOnly.draw() }) == [.afterCommit])
        try FileManager.default.removeItem(at: file)
        #expect(failpoint.draw() == nil)
    }
}
