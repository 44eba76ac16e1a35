import Foundation

/// Where Tailor's executables are: the tools and the tests start `tailor` members from
/// the build folder they were built in.
package enum Executables {
    /// The running program.
    package static var current: URL { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath() }

    /// The `tailor` executable: this program when it is `tailor`, else the one in its
    /// folder or the nearest folder above (a test bundle sits below the build folder).
    package static var tailor: String { find("tailor") }

    /// `name` next to the running program or in the nearest folder above that has it.
    package static func find(_ name: String) -> String {
        let running = current
        if running.lastPathComponent == name { return running.path }
        var directory = running.deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                FileManager.default.isExecutableFile(atPath: candidate.path)
            {
                return candidate.path
            }
            directory = directory.deletingLastPathComponent()
        }
        return running.deletingLastPathComponent().appendingPathComponent(name).path
    }
}
