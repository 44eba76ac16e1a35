import Foundation

/// Where the files the gateway serves as they are come from: its own pages (the
/// console, the storefront snippet) in the package's `Web` resource folder, and the
/// browser libraries the console uses from Debian's packages (`libjs-bootstrap5`,
/// `libjs-chart.js`), installed under `/usr/share/javascript`.
package enum WebAssets {
    /// The `Web` folder: `console/` (served at `/console/`) and `sdk/` (at `/sdk/`).
    /// It sits next to the `tailor` binary in `tailor_TailorGateway.resources` (the
    /// image copies it there), or in the build folder when run from a checkout.
    package static let root: String = {
        // Next to the running binary first (the image, a copied release build): asking
        // `Bundle.module` when the folder is in neither of its places stops the process.
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let beside = executable.deletingLastPathComponent().appendingPathComponent("tailor_TailorGateway.resources/Web").path
        if FileManager.default.fileExists(atPath: beside) { return beside }
        return (Bundle.module.resourceURL ?? Bundle.module.bundleURL).appendingPathComponent("Web").path
    }()

    /// Debian's folder of browser libraries, served at `/vendor/`.
    package static let debianJavaScript = "/usr/share/javascript"

    /// The libraries the console loads, by the path it asks for under `/vendor/`, and
    /// the Debian package that provides each: `/readyz` does not wait for them, but the
    /// gateway logs at start which are missing.
    package static let consoleLibraries: [(path: String, package: String)] = [
        ("bootstrap5/css/bootstrap.min.css", "libjs-bootstrap5"),
        ("chart.js/chart.min.js", "libjs-chart.js"),
    ]

    /// The console libraries missing from `directory`, with their packages.
    package static func missingLibraries(in directory: String = debianJavaScript) -> [(path: String, package: String)] {
        consoleLibraries.filter { !FileManager.default.fileExists(atPath: directory + "/" + $0.path) }
    }
}
