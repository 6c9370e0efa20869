import SpojkaConnectorKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which destinations outgoing calls may reach, checked on resolved addresses and on every redirect.
///
/// Link-local and cloud-metadata addresses are always refused; private and loopback ranges only
/// when `allowPrivateNetwork` is set (`SPOJKA_ALLOW_PRIVATE_NETWORK=true`).
public struct NetworkPolicy: Sendable {
    /// Whether private, loopback and unique-local addresses are allowed.
    public var allowPrivateNetwork: Bool

    /// Creates a policy.
    public init(allowPrivateNetwork: Bool) { self.allowPrivateNetwork = allowPrivateNetwork }

    /// Why `address` (an IPv4 or IPv6 literal) is refused, or `nil` when allowed.
    public func refusal(for address: String) -> String? {
        if let v4 = IPAddress.v4(address) { return refusal(v4: v4) }
        if let v6 = IPAddress.v6(address) {
            if let mapped = IPAddress.mappedV4(v6) { return refusal(v4: mapped) }
            return refusal(v6: v6)
        }
        return "not an IP address"
    }

    func refusal(v4: UInt32) -> String? {
        func within(_ base: UInt32, _ bits: UInt32) -> Bool { bits == 0 || (v4 >> (32 - bits)) == (base >> (32 - bits)) }
        if within(0xA9FE_0000, 16) { return "link-local and cloud metadata addresses (169.254.0.0/16) are never allowed" }
        if v4 == 0x6464_64C8 { return "cloud metadata address 100.100.100.200 is never allowed" }
        if within(0, 8) || within(0xE000_0000, 4) || v4 == 0xFFFF_FFFF { return "unspecified, multicast and broadcast addresses are not allowed" }
        let isPrivate = within(0x7F00_0000, 8) || within(0x0A00_0000, 8) || within(0xAC10_0000, 12) || within(0xC0A8_0000, 16) || within(0x6440_0000, 10)
        if isPrivate && !allowPrivateNetwork { return "private and loopback addresses are not allowed (set SPOJKA_ALLOW_PRIVATE_NETWORK=true to allow them)" }
        return nil
    }

    func refusal(v6: [UInt8]) -> String? {
        let metadata: [UInt8] = [0xFD, 0x00, 0x0E, 0xC2] + Array(repeating: 0, count: 10) + [0x02, 0x54]
        if v6 == metadata { return "cloud metadata address fd00:ec2::254 is never allowed" }
        if v6[0] == 0xFE && (v6[1] & 0xC0) == 0x80 { return "link-local addresses (fe80::/10) are never allowed" }
        if v6 == Array(repeating: 0, count: 16) || v6[0] == 0xFF { return "unspecified and multicast addresses are not allowed" }
        let loopback = v6 == Array(repeating: 0, count: 15) + [1]
        let uniqueLocal = (v6[0] & 0xFE) == 0xFC
        if (loopback || uniqueLocal) && !allowPrivateNetwork {
            return "private and loopback addresses are not allowed (set SPOJKA_ALLOW_PRIVATE_NETWORK=true to allow them)"
        }
        return nil
    }
}

/// IP literal parsing with inet_pton.
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

    /// The IPv4 address inside `::ffff:a.b.c.d`, if it is one.
    static func mappedV4(_ v6: [UInt8]) -> UInt32? {
        guard v6[0..<10].allSatisfy({ $0 == 0 }), v6[10] == 0xFF, v6[11] == 0xFF else { return nil }
        return v6[12...15].reduce(0) { ($0 << 8) | UInt32($1) }
    }

    /// Every address `host` resolves to (a literal resolves to itself).
    static func resolve(_ host: String) -> [String] {
        if v4(host) != nil || v6(host) != nil { return [host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host] }
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
                out.append(String(cString: buffer))
            }
            cursor = info.pointee.ai_next
        }
        return out
    }
}

extension NetworkPolicy: DestinationPolicy {
    /// Resolves `host` and refuses it when any address is not allowed.
    public func check(host: String) async throws {
        let addresses = IPAddress.resolve(host)
        guard !addresses.isEmpty else { throw ToolError(.serviceUnavailable, "the host \(host) does not resolve") }
        for address in addresses {
            if let reason = refusal(for: address) { throw ToolError(.blockedDestination, "\(host) (\(address)): \(reason)") }
        }
    }
}
