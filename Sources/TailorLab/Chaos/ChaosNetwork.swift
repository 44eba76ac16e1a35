import Foundation
import TailorProcess

/// The chaos suite's network: one Linux network namespace per member, each with a veth
/// pair whose host end is on a bridge in the root namespace, so every member has its
/// own address (10.77.0.x/24) and faults can cut one member's link.
///
/// Built with `ip` (iproute2) as root; ``ChaosNetwork/available()`` says whether this
/// machine allows it. Without namespaces (`isolated` false) every member gets its own
/// loopback address (127.0.77.x) instead, and only the scenarios that need no network
/// fault can run; the suite says so instead of pretending.
struct ChaosNetwork {
    static let bridge = "tlrbr0"
    static let gatewayAddress = "10.77.0.1"
    /// Every member that may run, in address order (spare nodes included).
    let members: [String]
    let isolated: Bool

    /// The address of `member` (inside its namespace when isolated).
    func address(of member: String) -> String {
        let index = members.firstIndex(of: member) ?? 0
        return isolated ? "10.77.0.\(10 + index)" : "127.0.77.\(10 + index)"
    }

    static func namespace(_ member: String) -> String { "tlr-\(member)" }
    /// The host end of the member's veth pair (interface names hold at most 15 bytes).
    static func hostLink(_ member: String) -> String { "tlrh-\(member)" }

    /// The command line that runs `arguments` as `member`: inside its namespace when isolated.
    /// What a member's command line runs behind: `ip netns exec <its namespace>` when isolated.
    func wrapper(for member: String) -> [String] {
        isolated ? [Self.ip, "netns", "exec", Self.namespace(member)] : []
    }

    /// Whether namespaces can be made here: root, `ip`, and a namespace that can be created.
    static func available() -> (Bool, String) {
        guard ProcessControl.isRoot else { return (false, "not root") }
        guard FileManager.default.isExecutableFile(atPath: ip) else { return (false, "\(ip) not found (iproute2)") }
        let probe = "tlr-probe-\(ProcessControl.currentPID)"
        guard run(["netns", "add", probe]) else { return (false, "ip netns add failed") }
        _ = run(["netns", "del", probe])
        return (true, "")
    }

    static let ip = "/usr/sbin/ip"

    /// Creates the bridge and every member's namespace and link; removes leftovers first.
    func create() throws {
        guard isolated else { return }
        destroy()
        try Self.must(["link", "add", Self.bridge, "type", "bridge"])
        try Self.must(["addr", "add", "\(Self.gatewayAddress)/24", "dev", Self.bridge])
        try Self.must(["link", "set", Self.bridge, "up"])
        for member in members {
            let namespace = Self.namespace(member)
            try Self.must(["netns", "add", namespace])
            try Self.must(["link", "add", Self.hostLink(member), "type", "veth", "peer", "name", "eth0", "netns", namespace])
            try Self.must(["link", "set", Self.hostLink(member), "master", Self.bridge])
            try Self.must(["link", "set", Self.hostLink(member), "up"])
            try Self.must(["-n", namespace, "addr", "add", "\(address(of: member))/24", "dev", "eth0"])
            try Self.must(["-n", namespace, "link", "set", "eth0", "up"])
            try Self.must(["-n", namespace, "link", "set", "lo", "up"])
            try Self.must(["-n", namespace, "route", "add", "default", "via", Self.gatewayAddress])
        }
    }

    /// Removes every namespace and the bridge (what is missing is skipped).
    func destroy() {
        guard isolated else { return }
        for member in members { _ = Self.run(["netns", "del", Self.namespace(member)]) }
        _ = Self.run(["link", "del", Self.bridge])
    }

    /// Cuts the member off from everyone (its link goes down), or heals it.
    func setLink(of member: String, up: Bool) throws {
        try Self.must(["link", "set", Self.hostLink(member), up ? "up" : "down"])
    }

    /// Drops (or stops dropping) everything `member` sends to `address`: a blackhole
    /// route in its namespace. Set on both ends, it cuts one link and leaves the others.
    func blackhole(from member: String, to address: String, on: Bool) throws {
        try Self.must(["-n", Self.namespace(member), "route", on ? "add" : "del", "blackhole", "\(address)/32"])
    }

    /// Throttles `member`'s traffic both ways with a token bucket (`tc qdisc … tbf`, on
    /// both ends of its link: 2 Mbit/s, packets waiting up to 200 ms), or lifts it.
    /// (A token bucket, not netem: kernels without `sch_netem` have it.)
    func throttle(_ member: String, on: Bool) throws {
        let shape = ["tbf", "rate", "2mbit", "burst", "16kb", "latency", "200ms"]
        for (namespace, device) in [(nil, Self.hostLink(member)), (Self.namespace(member), "eth0")] {
            var arguments = (namespace.map { ["-n", $0] } ?? []) + ["qdisc", on ? "add" : "del", "dev", device, "root"]
            if on { arguments += shape }
            try Self.must(arguments, tool: Self.tc)
        }
    }

    static let tc = "/usr/sbin/tc"

    @discardableResult
    static func run(_ arguments: [String], tool: String = ip) -> Bool {
        (try? ExternalCommand.runBlocking(tool, arguments))?.status == 0
    }

    static func must(_ arguments: [String], tool: String = ip) throws {
        guard run(arguments, tool: tool) else {
            throw ChaosError("\((tool as NSString).lastPathComponent) \(arguments.joined(separator: " ")) failed")
        }
    }
}

struct ChaosError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
