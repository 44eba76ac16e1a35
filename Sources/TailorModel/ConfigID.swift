/// The ids of what a shop configures by name (experiments, segments, decision points,
/// treatments): short, and safe as one segment of a URL path.
package enum ConfigID {
    package static let maximumBytes = 64
    package static let pattern = "letters, digits, '.', '_' and '-', at most \(maximumBytes) (not '.' or '..')"

    package static func isValid(_ id: String) -> Bool {
        let allowed = id.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte == 0x2e || byte == 0x5f || byte == 0x2d
        }
        // `.` and `..` are path segments clients and proxies resolve away.
        return !id.isEmpty && id.utf8.count <= maximumBytes && allowed && id != "." && id != ".."
    }
}
