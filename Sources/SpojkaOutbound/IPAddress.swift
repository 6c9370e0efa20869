#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// IP literal parsing (inet_pton) and system resolution (getaddrinfo).
enum IPAddress {
    static func v4(_ text: String) -> UInt32? {
        var addr = in_addr()
        guard inet_pton(AF_INET, text, &addr) == 1 else { return nil }
        return UInt32(bigEndian: addr.s_addr)
    }

    static func v6(_ text: String) -> [UInt8]? {
        var addr = in6_addr()
        let trimmed = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
        guard inet_pton(AF_INET6, trimmed, &addr) == 1 else { return nil }
        return withUnsafeBytes(of: &addr) { Array($0) }
    }

    /// `host` without brackets when it is an IPv4 or IPv6 literal, else `nil`.
    static func literal(_ host: String) -> String? {
        guard v4(host) != nil || v6(host) != nil else { return nil }
        return host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    /// The IPv4 address an IPv6 address stands for: IPv4-mapped `::ffff:a.b.c.d`, SIIT `::ffff:0:a.b.c.d`,
    /// IPv4-compatible `::a.b.c.d` (not `::` or `::1`), NAT64 `64:ff9b::a.b.c.d` and 6to4 `2002:AABB:CCDD::/48`.
    static func embeddedV4(_ v6: [UInt8]) -> UInt32? {
        func v4(_ bytes: ArraySlice<UInt8>) -> UInt32 { bytes.reduce(0) { ($0 << 8) | UInt32($1) } }
        let zeroPrefix = v6[0..<10].allSatisfy { $0 == 0 }
        if zeroPrefix && v6[10] == 0xFF && v6[11] == 0xFF { return v4(v6[12...15]) }
        if v6[0..<8].allSatisfy({ $0 == 0 }) && v6[8] == 0xFF && v6[9] == 0xFF && v6[10] == 0 && v6[11] == 0 { return v4(v6[12...15]) }
        if zeroPrefix && v6[10] == 0 && v6[11] == 0 && !(v6[12...14].allSatisfy { $0 == 0 } && v6[15] <= 1) { return v4(v6[12...15]) }
        if v6[0..<12].elementsEqual([0x00, 0x64, 0xFF, 0x9B] + Array(repeating: 0, count: 8)) { return v4(v6[12...15]) }
        if v6[0] == 0x20 && v6[1] == 0x02 { return v4(v6[2...5]) }
        return nil
    }

    /// Every address `host` resolves to (a literal resolves to itself).
    static func resolve(_ host: String) -> [String] {
        if let literal = literal(host) { return [literal] }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var out: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                let text = String(cString: buffer)
                if !out.contains(text) { out.append(text) }
            }
            cursor = info.pointee.ai_next
        }
        return out
    }
}
