import Foundation

/// A JSON settings file (`--config FILE` or `TAILOR_CONFIG`), checked as a whole when
/// read: every key must be a setting of some command, every section a command that
/// reads settings, and every section's key a setting of that command.
package struct ConfigFile: Sendable {
    package var path: String
    private var top: [String: Value]
    private var sections: [String: [String: Value]]

    /// A JSON value as the file gives it.
    package enum Value: Decodable, Sendable {
        case text(String)
        case boolean(Bool)
        case number(String)
        case object([String: Value])
        case list
        case null

        package init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let flag = try? container.decode(Bool.self) {
                self = .boolean(flag)
            } else if let integer = try? container.decode(Int64.self) {
                self = .number(String(integer))
            } else if let number = try? container.decode(Double.self) {
                self = .number(String(number))
            } else if let text = try? container.decode(String.self) {
                self = .text(text)
            } else if let object = try? container.decode([String: Value].self) {
                self = .object(object)
            } else {
                self = .list
            }
        }
    }

    package static func load(_ path: String, catalog: SettingsCatalog) throws(SettingsError) -> ConfigFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SettingsError(message: "config file \(path): cannot be read (\((error as NSError).localizedDescription))")
        }
        let root: Value
        do {
            root = try JSONDecoder().decode(Value.self, from: data)
        } catch {
            throw SettingsError(message: "config file \(path): not valid JSON")
        }
        guard case .object(let object) = root else { throw SettingsError(message: "config file \(path): the top level must be a JSON object") }
        return try ConfigFile(path: path, object: object, catalog: catalog)
    }

    private init(path: String, object: [String: Value], catalog: SettingsCatalog) throws(SettingsError) {
        self.path = path
        var top: [String: Value] = [:]
        var sections: [String: [String: Value]] = [:]
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            if let definitions = catalog.definitions(of: key), case .object(let section) = value {
                let names = Set(definitions.map(\.name))
                if let unknown = section.keys.sorted().first(where: { !names.contains($0) }) {
                    throw SettingsError(message: "config file \(path): '\(key).\(unknown)' is not a setting of `tailor \(key)`")
                }
                sections[key] = section
            } else if catalog.names.contains(key) {
                top[key] = value
            } else if catalog.definitions(of: key) != nil {
                throw SettingsError(message: "config file \(path): '\(key)' must be an object of `tailor \(key)` settings")
            } else {
                throw SettingsError(message: "config file \(path): '\(key)' is not a setting (`tailor settings --reference` lists them)")
            }
        }
        self.top = top
        self.sections = sections
    }

    /// The file's text for `definition`, and the key it was found under; nil when the
    /// file does not set it (or sets it to null).
    package func value(for definition: SettingDefinition) throws(SettingsError) -> (String, String)? {
        let found: (Value, String)? =
            if let value = sections[definition.command]?[definition.name] { (value, "\(definition.command).\(definition.name)") }
            else if let value = top[definition.name] { (value, definition.name) }
            else { nil }
        guard let (value, key) = found else { return nil }
        switch value {
        case .null:
            return nil
        case .text(let text) where definition.isFlag:
            guard let flag = SettingsResolver.booleanText(text) else {
                throw SettingsError(message: "config file \(path): '\(key)' must be true or false (\(definition.commandLineName) is a flag)")
            }
            return (flag, key)
        case .text(let text), .number(let text):
            guard !definition.isFlag else {
                throw SettingsError(message: "config file \(path): '\(key)' must be true or false (\(definition.commandLineName) is a flag)")
            }
            return (text, key)
        case .boolean(let flag):
            return (flag ? "true" : "false", key)
        case .object, .list:
            throw SettingsError(message: "config file \(path): '\(key)' must be a string, a number or true/false")
        }
    }
}
