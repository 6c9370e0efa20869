/// Decides whether a tool may reach a host; tools that open their own connections (databases) ask it first.
public protocol DestinationPolicy: Sendable {
    /// Throws a `ToolError` with code `blocked_destination` when `host` is not allowed (checked after DNS).
    func check(host: String) async throws

    /// The address to connect to for `host`, checked after one resolution: connect to exactly this
    /// address (never resolve `host` again, which a rebinding DNS server could answer differently).
    /// Throws like `check(host:)`.
    func connectAddress(for host: String) async throws -> String
}

extension DestinationPolicy {
    /// For policies that do not resolve: `host` itself once `check(host:)` allowed it.
    public func connectAddress(for host: String) async throws -> String {
        try await check(host: host)
        return host
    }
}
