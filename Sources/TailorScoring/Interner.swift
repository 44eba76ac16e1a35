/// String interning (inside ``Vocabulary``): the scoring kernel compares small integers,
/// not strings. Indices are stable for the life of the index (never reused).
struct Interner: Sendable {
    private(set) var names: [String] = []
    private var indexByName: [String: Int32] = [:]

    var count: Int { names.count }

    mutating func intern(_ name: String) -> Int32 {
        if let index = indexByName[name] { return index }
        let index = Int32(names.count)
        names.append(name)
        indexByName[name] = index
        return index
    }

    func lookup(_ name: String) -> Int32? { indexByName[name] }
}
