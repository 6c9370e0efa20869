import NIOPosix
import SpojkaConnectorKit

/// Which destinations outgoing calls may reach, decided on the resolved address that is then connected to.
///
/// A host name is resolved once (through `resolver`); every answer is checked and the first one is the
/// address connected to, so a name that answers differently the second time (DNS rebinding) cannot
/// bypass the check. IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4) are
/// classified by that IPv4 address. Link-local and cloud-metadata addresses are always refused;
/// private and loopback ranges only when `allowPrivateNetwork` is set (`SPOJKA_ALLOW_PRIVATE_NETWORK=true`).
public struct NetworkPolicy: Sendable {
    /// Whether private, loopback and unique-local addresses are allowed.
    public var allowPrivateNetwork: Bool
    /// Resolves host names (the system resolver unless a test injects its own).
    public var resolver: any HostResolver

    /// Creates a policy.
    public init(allowPrivateNetwork: Bool, resolver: any HostResolver = SystemResolver()) {
        self.allowPrivateNetwork = allowPrivateNetwork
        self.resolver = resolver
    }

    /// Why a destination was refused.
    public struct Refusal: Error, Sendable {
        /// `true` when the host did not resolve (rather than resolving to a refused address).
        public var unresolved: Bool
        /// A message naming the host and the refused address.
        public var message: String
    }

    /// The address to connect to for `host`: an IP literal as is, else an answer of one resolution (the
    /// first IPv4 one if any, else the first), after every answer was checked. Throws `Refusal`.
    public func address(for host: String) async throws -> String {
        let literal = IPAddress.literal(host)
        let addresses: [String]
        if let literal {
            addresses = [literal]
        } else {
            do { addresses = try await resolver.addresses(of: host) } catch { addresses = [] }
        }
        guard let first = addresses.first else { throw Refusal(unresolved: true, message: "the host \(host) does not resolve") }
        for address in addresses {
            if let reason = refusal(for: address) { throw Refusal(unresolved: false, message: "\(host) (\(address)): \(reason)") }
        }
        return addresses.first { IPAddress.v4($0) != nil } ?? first
    }

    /// Why `address` (an IPv4 or IPv6 literal) is refused, or `nil` when allowed.
    public func refusal(for address: String) -> String? {
        if let v4 = IPAddress.v4(address) { return refusal(v4: v4) }
        if let v6 = IPAddress.v6(address) {
            if let embedded = IPAddress.embeddedV4(v6) { return refusal(v4: embedded) }
            return refusal(v6: v6)
        }
        return "not an IP address"
    }

    func refusal(v4: UInt32) -> String? {
        func within(_ base: UInt32, _ bits: UInt32) -> Bool { bits == 0 || (v4 >> (32 - bits)) == (base >> (32 - bits)) }
        if within(0xA9FE_0000, 16) { return "link-local and cloud metadata addresses (169.254.0.0/16) are never allowed" }
        if v4 == 0x6464_64C8 { return "cloud metadata address 100.100.100.200 is never allowed" }
        if within(0, 8) || within(0xE000_0000, 3) { return "unspecified, multicast, reserved and broadcast addresses are not allowed" }
        let isPrivate = within(0x7F00_0000, 8) || within(0x0A00_0000, 8) || within(0xAC10_0000, 12) || within(0xC0A8_0000, 16) || within(0x6440_0000, 10)
        if isPrivate && !allowPrivateNetwork { return Self.privateRefusal }
        return nil
    }

    func refusal(v6: [UInt8]) -> String? {
        let metadata: [UInt8] = [0xFD, 0x00, 0x0E, 0xC2] + Array(repeating: 0, count: 10) + [0x02, 0x54]
        if v6 == metadata { return "cloud metadata address fd00:ec2::254 is never allowed" }
        if v6[0] == 0xFE && (v6[1] & 0xC0) == 0x80 { return "link-local addresses (fe80::/10) are never allowed" }
        if v6 == Array(repeating: 0, count: 16) || v6[0] == 0xFF { return "unspecified and multicast addresses are not allowed" }
        let loopback = v6 == Array(repeating: 0, count: 15) + [1]
        let uniqueLocal = (v6[0] & 0xFE) == 0xFC
        let siteLocal = v6[0] == 0xFE && (v6[1] & 0xC0) == 0xC0
        let localNAT64 = v6[0..<6].elementsEqual([0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01])  // 64:ff9b:1::/48 (RFC 8215)
        if (loopback || uniqueLocal || siteLocal || localNAT64) && !allowPrivateNetwork { return Self.privateRefusal }
        return nil
    }

    static let privateRefusal = "private and loopback addresses are not allowed (set SPOJKA_ALLOW_PRIVATE_NETWORK=true to allow them)"
}

/// Resolves host names to IP address literals; injectable so that tests control the answers.
public protocol HostResolver: Sendable {
    /// Every address `host` resolves to now (IPv4 or IPv6 literals, without brackets).
    func addresses(of host: String) async throws -> [String]
}

/// The system resolver: `getaddrinfo` on NIO's blocking-I/O pool.
public struct SystemResolver: HostResolver {
    /// Creates the resolver.
    public init() {}

    /// Every address `host` resolves to.
    public func addresses(of host: String) async throws -> [String] {
        try await NIOThreadPool.singleton.runIfActive { IPAddress.resolve(host) }
    }
}

extension NetworkPolicy: DestinationPolicy {
    /// Resolves `host` and refuses it when any address is not allowed.
    public func check(host: String) async throws { _ = try await connectAddress(for: host) }

    /// The checked address to connect to for `host`.
    public func connectAddress(for host: String) async throws -> String {
        do { return try await address(for: host) } catch let refusal as Refusal {
            throw ToolError(refusal.unresolved ? .serviceUnavailable : .blockedDestination, refusal.message)
        }
    }
}
