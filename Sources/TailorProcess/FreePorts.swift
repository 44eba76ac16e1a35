#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Free TCP ports on loopback: bound to port 0, read back, released. Another process
/// could take one in between; on this test machine nothing else hands out ports.
package enum FreePorts {
    package static func take(_ count: Int) throws -> [Int] {
        var sockets: [Int32] = []
        defer { sockets.forEach { close($0) } }
        var ports: [Int] = []
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            sockets.append(fd)
            guard let port = bind(fd, port: 0) else { throw LaunchError("could not find a free port") }
            ports.append(port)
        }
        return ports
    }

    /// Whether nothing listens on (or holds) 127.0.0.1:`port` right now.
    package static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        return bind(fd, port: port) != nil
    }

    /// Binds `fd` to 127.0.0.1:`port` and returns the port bound (the kernel's
    /// choice for 0); nil when it is taken.
    private static func bind(_ fd: Int32, port: Int) -> Int? {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                Glibc.bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }
}
