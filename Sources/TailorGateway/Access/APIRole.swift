/// Who may call what on the public API. Each role can do everything the ones before
/// it can: `public` < `private` < `admin`.
///
/// - `public`: safe in a web page. Recommendations, and the events a browser sends
///   (``EventType/isBrowserEvent``); each public key lists the origins it may be
///   used from (CORS).
/// - `private`: the shop's servers. Also purchases, products, inventory.
/// - `admin`: erasure, export, keys, the cluster view.
package enum APIRole: String, Sendable, Codable, CaseIterable, Comparable {
    case `public`
    case `private`
    case admin

    package static func < (lhs: APIRole, rhs: APIRole) -> Bool { lhs.rank < rhs.rank }

    private var rank: Int {
        switch self {
        case .public: 0
        case .private: 1
        case .admin: 2
        }
    }
}
