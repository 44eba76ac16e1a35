/// A member of the cluster as the command line names it: `n1=127.0.0.1:7101`.
package struct MemberAddress: Sendable, Hashable, CustomStringConvertible {
    package var name: String
    package var host: String
    package var port: Int

    package init(name: String, host: String, port: Int) {
        self.name = name
        self.host = host
        self.port = port
    }

    package var description: String { "\(name)=\(host):\(port)" }

    /// Parses `name=host:port`.
    package init?(parsing text: some StringProtocol) {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let name = text[..<equals]
        guard !name.isEmpty, let endpoint = Endpoint(parsing: text[text.index(after: equals)...]) else { return nil }
        self.init(name: String(name), host: endpoint.host, port: endpoint.port)
    }

    /// Parses a comma-separated list of members; nil names the first entry that is not one.
    package static func parseList(_ text: some StringProtocol) -> Result<[MemberAddress], MemberListError> {
        var members: [MemberAddress] = []
        for entry in text.split(separator: ",", omittingEmptySubsequences: true) {
            let trimmed = entry.trimmingWhitespace
            guard let member = MemberAddress(parsing: trimmed) else {
                return .failure(MemberListError(message: "'\(trimmed)' is not name=host:port"))
            }
            if members.contains(where: { $0.name == member.name }) {
                return .failure(MemberListError(message: "member '\(member.name)' is named twice"))
            }
            members.append(member)
        }
        if members.isEmpty { return .failure(MemberListError(message: "no members given")) }
        return .success(members)
    }
}

/// A `--members` list that could not be read.
package struct MemberListError: Error, Sendable, CustomStringConvertible {
    package var message: String
    package var description: String { message }
}

/// A listening address: `host:port`.
package struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    package var host: String
    package var port: Int

    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    package init?(parsing text: some StringProtocol) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let host = text[..<colon]
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else { return nil }
        self.init(host: String(host), port: port)
    }

    package var description: String { "\(host):\(port)" }
}

extension StringProtocol {
    fileprivate var trimmingWhitespace: Substring {
        let text = Substring(self)
        guard let first = text.firstIndex(where: { !$0.isWhitespace }),
            let last = text.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return text[first...last]
    }
}
