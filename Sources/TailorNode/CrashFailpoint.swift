import Foundation
import TailorProcess

/// A fault the chaos suite injects from inside a node: after receiving a batch of
/// events, with some probability, the node SIGKILLs itself before it answers — half
/// the time before the batch is committed, half the time after (stored, never
/// acknowledged). Jepsen's "kill the replica that received the write"; the gateway
/// must then neither lose an acknowledged event nor count one twice.
///
/// Armed only through the environment (`TAILOR_FAILPOINT_CRASH_BEFORE_ANSWER=
/// probability,path`, or `probability,after-commit,path` / `probability,before-commit,path`
/// for one moment only), and only while the file at `path` exists, so the suite can
/// arm and disarm every node (restarted ones included) at once; never by a flag a
/// production deployment would set.
package struct CrashFailpoint: Sendable, Equatable {
    package static let environmentVariable = "TAILOR_FAILPOINT_CRASH_BEFORE_ANSWER"

    package enum Moment: String, Sendable {
        case beforeCommit = "before commit"
        case afterCommit = "after commit"
    }

    package var probability: Double
    package var armedWhileExists: String
    /// The one moment it crashes at; nil: either, at random.
    package var moment: Moment?

    package init(probability: Double, armedWhileExists: String, moment: Moment? = nil) {
        self.probability = probability
        self.armedWhileExists = armedWhileExists
        self.moment = moment
    }

    /// Parses the variable's value; nil when it is not set, an error naming the problem
    /// when it is malformed.
    package static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> CrashFailpoint? {
        guard let value = environment[environmentVariable] else { return nil }
        var parts = value.split(separator: ",", maxSplits: 1).map(String.init)
        var moment: Moment?
        for (prefix, named) in [("before-commit,", Moment.beforeCommit), ("after-commit,", .afterCommit)] where parts.count == 2 && parts[1].hasPrefix(prefix) {
            moment = named
            parts[1].removeFirst(prefix.count)
        }
        guard parts.count == 2, let probability = Double(parts[0]), (0...1).contains(probability), parts[1].hasPrefix("/") else {
            throw FailpointError(
                description: "\(environmentVariable)='\(value)': expected probability (0...1),[before-commit|after-commit,]/absolute/path"
            )
        }
        return CrashFailpoint(probability: probability, armedWhileExists: parts[1], moment: moment)
    }

    /// Whether this batch crashes the node, and when (nil: it does not).
    package func draw() -> Moment? {
        guard Double.random(in: 0..<1) < probability, FileManager.default.fileExists(atPath: armedWhileExists) else { return nil }
        return moment ?? (Bool.random() ? .beforeCommit : .afterCommit)
    }

    /// Says why on stderr (the node's log) and SIGKILLs this process.
    package static func crash(_ moment: Moment, member: String) -> Never {
        let line = "failpoint: \(member) crashes \(moment.rawValue), before answering a batch of events\n"
        FileHandle.standardError.write(Data(line.utf8))
        ProcessControl.killSelf()
    }
}

package struct FailpointError: Error, CustomStringConvertible {
    package var description: String
}
